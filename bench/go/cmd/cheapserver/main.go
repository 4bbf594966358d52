// A deliberately cheap HTTP/1.1 server: it answers GET /api/v1/jobs/{id} with a fixed job
// JSON (read from a file) and anything else with 404, on keep-alive connections. It checks
// no token. It takes the Hub simulator's work out of the sequential comparisons, so that
// they measure the clients.
//
//	cheapserver -id JOB_ID -body FILE -port-file FILE
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
)

func main() {
	id := flag.String("id", "", "job id to answer for")
	bodyFile := flag.String("body", "", "file with the job JSON")
	portFile := flag.String("port-file", "", "where to write the port once listening")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil || *id == "" {
		fmt.Fprintln(os.Stderr, "usage: cheapserver -id JOB_ID -body FILE [-port-file FILE]")
		os.Exit(2)
	}
	ok := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + string(body))
	notFound := []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	path := []byte("GET /api/v1/jobs/" + *id + " ")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if *portFile != "" {
		tmp := *portFile + ".tmp"
		_ = os.WriteFile(tmp, []byte(strconv.Itoa(port)+"\n"), 0o644)
		_ = os.Rename(tmp, *portFile)
	}
	fmt.Printf("cheapserver listening on http://127.0.0.1:%d\n", port)
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(conn, path, ok, notFound)
	}
}

// serve answers requests without bodies; one with a body, or any framing it does not
// understand, closes the connection.
func serve(conn net.Conn, path, ok, notFound []byte) {
	defer conn.Close()
	r := bufio.NewReaderSize(conn, 16<<10)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		answer := notFound
		if bytes.HasPrefix(line, path) {
			answer = ok
		}
		for {
			h, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(h) <= 2 {
				break
			}
			if hasFold(h, "content-length:") && string(bytes.TrimSpace(h[15:])) != "0" ||
				hasFold(h, "transfer-encoding:") {
				return
			}
		}
		if _, err := conn.Write(answer); err != nil {
			return
		}
	}
}

func hasFold(line []byte, prefix string) bool {
	return len(line) >= len(prefix) && bytes.EqualFold(line[:len(prefix)], []byte(prefix))
}
