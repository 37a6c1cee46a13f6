//go:build !linux

package suggest_test

// threadCPU is only measured on Linux; elsewhere the CPU-time metrics are
// left out.
func threadCPU() (int64, bool) { return 0, false }
