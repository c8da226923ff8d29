//go:build pprof

// The profiling build of dcrstakepool (go build -tags pprof) serves Go's
// profiles (net/http/pprof) on the address in DCRSTAKEPOOL_PPROF, for the
// web-load command's -pprof option. Release builds do not contain it.
package main

import (
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
)

func init() {
	addr := os.Getenv("DCRSTAKEPOOL_PPROF")
	if addr == "" {
		return
	}
	runtime.SetMutexProfileFraction(10)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	go func() { log.Printf("pprof on %s: %v", addr, http.ListenAndServe(addr, mux)) }()
}
