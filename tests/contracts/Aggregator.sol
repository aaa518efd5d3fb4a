// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Our own implementation of the aggregate3 interface of Multicall3 (same ABI),
/// placed at Multicall3's canonical address on the test chain with anvil_setCode
/// so the adapter's multicall path runs against real EVM execution.
contract Aggregator {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory out) {
        out = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory data) = calls[i].target.staticcall(calls[i].callData);
            require(ok || calls[i].allowFailure, "call failed");
            out[i] = Result(ok, data);
        }
    }
}
