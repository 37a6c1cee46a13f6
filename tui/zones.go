package tui

//go:generate go run ./internal/zonegen -o zones_gen.go
