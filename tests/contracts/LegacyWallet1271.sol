// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A contract wallet for tests that speaks ONLY the legacy EIP-1271 interface,
/// isValidSignature(bytes data, bytes signature). It accepts a signature by its
/// owner over the EIP-191 personal_sign digest of `data`, and then answers
/// `answer`: 0x20c13b0b (the legacy magic value) when deployed honestly; a test
/// deploys it with another value to show that a wrong magic value never verifies.
/// It has no isValidSignature(bytes32,bytes): a call to it reverts.
contract LegacyWallet1271 {
    address public owner;
    bytes4 public immutable answer;

    constructor(address owner_, bytes4 answer_) {
        owner = owner_;
        answer = answer_;
    }

    function setOwner(address owner_) external {
        owner = owner_;
    }

    function _decimal(uint256 n) internal pure returns (bytes memory out) {
        uint256 digits = 1;
        for (uint256 m = n; m >= 10; m /= 10) digits++;
        out = new bytes(digits);
        for (uint256 i = digits; i > 0; i--) {
            out[i - 1] = bytes1(uint8(48 + (n % 10)));
            n /= 10;
        }
    }

    function _recover(bytes32 digest, bytes calldata sig) internal pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v < 27) v += 27;
        return ecrecover(digest, v, r, s);
    }

    function isValidSignature(bytes calldata data, bytes calldata sig) external view
        returns (bytes4)
    {
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n",
                                                    _decimal(data.length), data));
        address signer = _recover(digest, sig);
        return signer == owner && signer != address(0) ? answer : bytes4(0xffffffff);
    }

    receive() external payable {}
}
