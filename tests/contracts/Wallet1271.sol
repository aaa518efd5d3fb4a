// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A contract wallet for tests that validates signatures by its single owner's
/// key, through both EIP-1271 interfaces: the final isValidSignature(bytes32,
/// bytes) (magic 0x1626ba7e) and the legacy isValidSignature(bytes, bytes)
/// (magic 0x20c13b0b, over keccak256 of the data).
contract Wallet1271 {
    address public owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function setOwner(address owner_) external {
        owner = owner_;
    }

    function _signer(bytes32 hash, bytes memory sig) internal pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        if (v < 27) v += 27;
        return ecrecover(hash, v, r, s);
    }

    function isValidSignature(bytes32 hash, bytes calldata sig) external view returns (bytes4) {
        return _signer(hash, sig) == owner && owner != address(0) ? bytes4(0x1626ba7e)
                                                                   : bytes4(0xffffffff);
    }

    function isValidSignature(bytes calldata data, bytes calldata sig) external view
        returns (bytes4)
    {
        return _signer(keccak256(data), sig) == owner && owner != address(0)
            ? bytes4(0x20c13b0b) : bytes4(0xffffffff);
    }

    receive() external payable {}
}
