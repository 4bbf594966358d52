module github.com/hazy/libhazy/bindings/go

go 1.22
