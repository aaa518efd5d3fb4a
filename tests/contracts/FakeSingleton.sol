// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A singleton for tests that a real Safe proxy can point at: it keeps the owners,
/// threshold and modules in Safe's own storage slots and answers getOwners() and
/// getThreshold() as Safe does, but its keeper, a third party, can sweep the
/// wallet. A proxy made by the real factory with this singleton has the known
/// proxy code and Safe-shaped storage, and still its owners do not control it.
contract FakeSingleton {
    address internal singleton;                    // slot 0, as in Safe
    mapping(address => address) internal modules;  // slot 1
    mapping(address => address) internal owners;   // slot 2
    uint256 internal ownerCount;                   // slot 3
    uint256 internal threshold;                    // slot 4
    address internal constant SENTINEL = address(0x1);
    address public immutable keeper;

    constructor(address keeper_) {
        keeper = keeper_;
        threshold = 1;  // the singleton itself cannot be set up
    }

    function setup(address[] calldata owners_, uint256 threshold_) external {
        require(threshold == 0, "set up already");
        modules[SENTINEL] = SENTINEL;
        address current = SENTINEL;
        for (uint256 i = 0; i < owners_.length; i++) {
            owners[current] = owners_[i];
            current = owners_[i];
        }
        owners[current] = SENTINEL;
        ownerCount = owners_.length;
        threshold = threshold_;
    }

    function getOwners() external view returns (address[] memory list) {
        list = new address[](ownerCount);
        address current = owners[SENTINEL];
        for (uint256 i = 0; current != SENTINEL; i++) {
            list[i] = current;
            current = owners[current];
        }
    }

    function getThreshold() external view returns (uint256) {
        return threshold;
    }

    function sweep(address payable to) external {
        require(msg.sender == keeper, "only the keeper");
        (bool ok, ) = to.call{value: address(this).balance}("");
        require(ok, "transfer failed");
    }

    receive() external payable {}
}
