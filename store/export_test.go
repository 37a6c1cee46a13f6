package store

// Unseal is the codec's unseal for the tests of package store_test that
// read the file with bbolt alone.
var Unseal = unseal
