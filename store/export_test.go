package store

// Unseal is the codec's unseal for the tests of package store_test that
// read the file with bbolt alone.
var Unseal = unseal

// SetChecksums turns the record envelope on or off, for the benchmark of
// what it costs; it returns the previous setting.
func SetChecksums(on bool) bool {
	was := checksums
	checksums = on
	return was
}
