// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A contract for tests with no function but a fallback that returns its own
/// calldata. A call to isValidSignature(bytes32,bytes) therefore answers with a
/// word that starts with 0x1626ba7e (that function's selector is the EIP-1271
/// magic value), and the legacy call with one that starts with 0x20c13b0b: an
/// auditor that reads only the first four bytes would take any signature as valid.
contract EchoWallet {
    fallback() external payable {
        assembly {
            calldatacopy(0, 0, calldatasize())
            return(0, calldatasize())
        }
    }
}
