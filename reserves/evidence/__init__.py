"""The evidence bundle: everything an audit used, so anyone can replay it offline."""
