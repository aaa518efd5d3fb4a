// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A proxy for tests in front of the real Safe singleton: every call it does not
/// know is delegated to the singleton, exactly as Safe's own proxy does, so its
/// storage is a real Safe's (set up by the singleton's own setup) and getOwners()
/// answers truly; but its keeper, a third party, can sweep it. Only its code tells
/// it apart from a Safe.
contract BackdoorProxy {
    address internal singleton;  // slot 0, as in Safe's proxy
    address public immutable keeper;

    constructor(address singleton_, address keeper_) {
        singleton = singleton_;
        keeper = keeper_;
    }

    function sweep(address payable to) external {
        require(msg.sender == keeper, "only the keeper");
        (bool ok, ) = to.call{value: address(this).balance}("");
        require(ok, "transfer failed");
    }

    receive() external payable {}

    fallback() external payable {
        address target = singleton;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
