"""Sign-in and who may do what: tokens, account bindings and the access rules."""
