// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Contract wallets for tests that accept every signature but answer EIP-1271
/// calls wrongly, in both interfaces; none of them may ever verify a row.
/// Modes: 0 reverts; 1 swaps the two magic values (the bytes32 form answers
/// 0x20c13b0b, the legacy form 0x1626ba7e); 2 answers the right magic value with
/// a non-zero byte in the ABI padding; 3 answers only the 4 magic bytes, not an
/// ABI word; 4 answers the right magic word followed by a second word.
contract BadWallet1271 {
    bytes4 private constant MAGIC = 0x1626ba7e;
    bytes4 private constant LEGACY_MAGIC = 0x20c13b0b;
    uint8 public immutable mode;

    constructor(uint8 mode_) {
        mode = mode_;
    }

    function _answer(bytes4 right, bytes4 other) internal view {
        uint8 m = mode;
        if (m == 0) revert("refused");
        bytes32 word = bytes32(m == 1 ? other : right);
        if (m == 2) word |= bytes32(uint256(1));
        uint256 size = m == 3 ? 4 : (m == 4 ? 64 : 32);
        assembly {
            mstore(0, word)
            mstore(32, 7)
            return(0, size)
        }
    }

    function isValidSignature(bytes32, bytes calldata) external view returns (bytes4) {
        _answer(MAGIC, LEGACY_MAGIC);
    }

    function isValidSignature(bytes calldata, bytes calldata) external view returns (bytes4) {
        _answer(LEGACY_MAGIC, MAGIC);
    }
}
