module github.com/hazy/libhazy/examples/go

go 1.22

require github.com/hazy/libhazy/bindings/go v0.0.0-00010101000000-000000000000

// Build against the binding in this repository. A program elsewhere points this at its
// own checkout of libhazy (see bindings/go/README.md).
replace github.com/hazy/libhazy/bindings/go => ../../bindings/go
