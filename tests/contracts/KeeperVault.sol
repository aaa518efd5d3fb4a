// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A vault for tests that reports owners and a threshold the way Safe does
/// (getOwners(), getThreshold()) but lets only its keeper, a third party, move
/// its funds: the owners it lists control nothing. A row signed by those owners
/// must never be verified.
contract KeeperVault {
    address[] private owners;
    address public immutable keeper;

    constructor(address[] memory owners_, address keeper_) {
        owners = owners_;
        keeper = keeper_;
    }

    function getOwners() external view returns (address[] memory) {
        return owners;
    }

    function getThreshold() external pure returns (uint256) {
        return 1;
    }

    function withdraw(address payable to, uint256 amount) external {
        require(msg.sender == keeper, "only the keeper");
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "transfer failed");
    }

    receive() external payable {}
}
