//go:build !hazydebug

package hazy

// debugGC is true in builds with the hazydebug tag.
const debugGC = false

func debugCollect() {}
