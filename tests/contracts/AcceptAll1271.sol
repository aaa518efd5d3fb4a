// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A contract wallet for tests that says yes to every EIP-1271 question, in both
/// interfaces, with exactly the right magic word: any signature by anyone over
/// anything "is valid". A row it accepts must never be verified.
contract AcceptAll1271 {
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return 0x1626ba7e;
    }

    function isValidSignature(bytes calldata, bytes calldata) external pure returns (bytes4) {
        return 0x20c13b0b;
    }

    receive() external payable {}
}
