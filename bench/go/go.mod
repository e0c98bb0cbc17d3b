module servehttp.bench/gohttp

go 1.19
