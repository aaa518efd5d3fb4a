// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A minimal Safe-style multisig for tests: the owner list and threshold that
/// Safe exposes through getOwners() and getThreshold(), changeable later so a
/// test can show the answer at one block differs from the answer at another.
contract SafeLike {
    address[] private owners;
    uint256 private threshold;

    constructor(address[] memory owners_, uint256 threshold_) {
        owners = owners_;
        threshold = threshold_;
    }

    function getOwners() external view returns (address[] memory) {
        return owners;
    }

    function getThreshold() external view returns (uint256) {
        return threshold;
    }

    function setOwners(address[] calldata owners_, uint256 threshold_) external {
        owners = owners_;
        threshold = threshold_;
    }

    receive() external payable {}
}
