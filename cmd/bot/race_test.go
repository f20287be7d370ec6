//go:build race

package main

// raceEnabled says the race detector is on: load tests skip.
const raceEnabled = true
