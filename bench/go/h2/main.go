// Go's net/http serving HTTP/2 over TLS, the h2 tier's reference peer:
// `go build -o gohttp-h2 ./h2 && gohttp-h2 <port> <cert.pem> <key.pem>`.
// ServeTLS turns HTTP/2 on by itself (ALPN h2, then http/1.1), with Go's default http2.Server
// limits. Written for Go 1.19 (the Debian package). Routes as bench/servers/h2-servehttp.ts:
// GET /hello → "Hello, World!", GET /64k → 64 KiB of "x".
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: gohttp-h2 <port> <cert.pem> <key.pem>")
		os.Exit(2)
	}
	hello := []byte("Hello, World!")
	big := []byte(strings.Repeat("x", 64*1024))
	mux := http.NewServeMux()
	serve := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(body)
		}
	}
	mux.HandleFunc("/hello", serve(hello))
	mux.HandleFunc("/64k", serve(big))
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("READY %d\n", ln.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{Handler: mux}
	if err := srv.ServeTLS(ln, os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
