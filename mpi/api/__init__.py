"""The gRPC edge: servicers, proto ⇄ domain conversion, errors ⇄ status. Protobuf stays here."""
