// Package mailtest is a small real SMTP server for tests and benchmarks: it
// listens on a free 127.0.0.1 port, speaks enough ESMTP (EHLO, STARTTLS,
// AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for a real client, and
// records every message it accepted. It can be stopped and started again on
// the same port to play a mail server that is down.
package mailtest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Received is one message the sink accepted.
type Received struct {
	From      string
	To        []string
	Header    mail.Header
	Raw       []byte
	TLS       bool   // the session had switched to TLS with STARTTLS
	User      string // the AUTH PLAIN user, if any
	MessageID string
	Subject   string // decoded
	Text      string // the text/plain part, decoded
	HTML      string // the text/html part, decoded
}

// Sink is a running SMTP server.
type Sink struct {
	Addr     string // host:port
	Username string // when set, AUTH PLAIN is required with Password
	Password string
	TLS      *tls.Config // when set, STARTTLS is offered
	// Delay is waited before answering DATA (a slow server).
	Delay time.Duration
	// RejectRcpt, when it returns a non-empty reply ("550 no such user"),
	// refuses a recipient.
	RejectRcpt func(addr string) string

	mu      sync.Mutex
	ln      net.Listener
	msgs    []Received
	wg      sync.WaitGroup
	conns   map[net.Conn]struct{}
	running atomic.Bool
	count   atomic.Int64
	keep    bool
	perRcpt map[string]int
}

// PerRecipient counts the messages accepted for each recipient address
// (lower-cased), also in count-only mode.
func (s *Sink) PerRecipient() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.perRcpt))
	for k, v := range s.perRcpt {
		out[k] = v
	}
	return out
}

// Start listens on a free 127.0.0.1 port.
func Start() (*Sink, error) {
	s := &Sink{conns: map[net.Conn]struct{}{}, keep: true}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mailtest: listen: %w", err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

// CountOnly makes the sink count messages without keeping them (benchmarks).
func (s *Sink) CountOnly() { s.mu.Lock(); s.keep = false; s.mu.Unlock() }

// Host and Port of the listening address.
func (s *Sink) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// Port is the listening port.
func (s *Sink) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

func (s *Sink) serve(ln net.Listener) {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	s.running.Store(true)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.session(c)
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
		}
	}()
}

// Stop closes the listener and every open connection (the server is down).
func (s *Sink) Stop() {
	s.mu.Lock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.running.Store(false)
	s.wg.Wait()
}

// Restart listens again on the same address.
func (s *Sink) Restart() error {
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		ln, err = net.Listen("tcp", s.Addr)
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("mailtest: relisten %s: %w", s.Addr, err)
	}
	s.serve(ln)
	return nil
}

// Messages returns a copy of what was received so far.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Count is the number of messages accepted (also in CountOnly mode).
func (s *Sink) Count() int64 { return s.count.Load() }

// WaitFor waits until at least n messages arrived or timeout passes.
func (s *Sink) WaitFor(n int, timeout time.Duration) []Received {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if s.Count() >= int64(n) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s.Messages()
}

type session struct {
	tp     *textproto.Conn
	conn   net.Conn
	tls    bool
	authed bool
	user   string
	from   string
	rcpt   []string
}

func (s *Sink) session(c net.Conn) {
	ss := &session{tp: textproto.NewConn(c), conn: c}
	_ = c.SetDeadline(time.Now().Add(2 * time.Minute))
	ss.tp.PrintfLine("220 mailtest ESMTP ready")
	for {
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !s.command(ss, strings.ToUpper(verb), arg) {
			return
		}
	}
}

// command answers one SMTP command; false ends the session.
func (s *Sink) command(ss *session, verb, arg string) bool {
	switch verb {
	case "EHLO", "HELO":
		s.ehlo(ss)
	case "STARTTLS":
		return s.startTLS(ss)
	case "AUTH":
		return s.auth(ss, arg)
	case "MAIL":
		if s.Username != "" && !ss.authed {
			ss.tp.PrintfLine("530 authentication required")
			return true
		}
		ss.from, ss.rcpt = addrArg(arg), nil
		ss.tp.PrintfLine("250 ok")
	case "RCPT":
		s.recipient(ss, addrArg(arg))
	case "DATA":
		return s.data(ss)
	case "RSET":
		ss.from, ss.rcpt = "", nil
		ss.tp.PrintfLine("250 ok")
	case "NOOP":
		ss.tp.PrintfLine("250 ok")
	case "QUIT":
		ss.tp.PrintfLine("221 bye")
		return false
	default:
		ss.tp.PrintfLine("500 unknown command")
	}
	return true
}

func (s *Sink) ehlo(ss *session) {
	ext := []string{"250-mailtest", "250-PIPELINING", "250-8BITMIME", "250-SMTPUTF8"}
	if s.TLS != nil && !ss.tls {
		ext = append(ext, "250-STARTTLS")
	}
	if s.Username != "" {
		ext = append(ext, "250-AUTH PLAIN")
	}
	ext = append(ext, "250 SIZE 10485760")
	for _, l := range ext {
		ss.tp.PrintfLine("%s", l)
	}
}

func (s *Sink) startTLS(ss *session) bool {
	if s.TLS == nil || ss.tls {
		ss.tp.PrintfLine("502 not supported")
		return true
	}
	ss.tp.PrintfLine("220 go ahead")
	tc := tls.Server(ss.conn, s.TLS)
	if err := tc.Handshake(); err != nil {
		return false
	}
	ss.conn = tc
	ss.tp = textproto.NewConn(tc)
	ss.tls, ss.from, ss.rcpt = true, "", nil
	return true
}

// auth checks AUTH PLAIN, with the credentials on the line or the next.
func (s *Sink) auth(ss *session, arg string) bool {
	mech, initial, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		ss.tp.PrintfLine("504 unrecognised mechanism")
		return true
	}
	if initial == "" {
		ss.tp.PrintfLine("334 ")
		var err error
		if initial, err = ss.tp.ReadLine(); err != nil {
			return false
		}
	}
	raw, err := base64.StdEncoding.DecodeString(initial)
	parts := bytes.Split(raw, []byte{0})
	if err != nil || len(parts) != 3 || string(parts[1]) != s.Username || string(parts[2]) != s.Password {
		ss.tp.PrintfLine("535 authentication failed")
		return true
	}
	ss.authed, ss.user = true, string(parts[1])
	ss.tp.PrintfLine("235 authenticated")
	return true
}

func (s *Sink) recipient(ss *session, a string) {
	if s.RejectRcpt != nil {
		if reply := s.RejectRcpt(a); reply != "" {
			ss.tp.PrintfLine("%s", reply)
			return
		}
	}
	ss.rcpt = append(ss.rcpt, a)
	ss.tp.PrintfLine("250 ok")
}

// data reads and records a message (after Delay; a stopped sink drops it).
func (s *Sink) data(ss *session) bool {
	if len(ss.rcpt) == 0 {
		ss.tp.PrintfLine("503 no recipients")
		return true
	}
	ss.tp.PrintfLine("354 end with .")
	data, err := ss.tp.ReadDotBytes()
	if err != nil {
		return false
	}
	if s.Delay > 0 {
		time.Sleep(s.Delay)
	}
	if !s.running.Load() {
		return false
	}
	s.record(ss, data)
	ss.tp.PrintfLine("250 queued")
	ss.from, ss.rcpt = "", nil
	return true
}

func addrArg(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a = strings.TrimSpace(a)
	if i := strings.IndexByte(a, ' '); i >= 0 {
		a = a[:i]
	}
	return strings.Trim(a, "<>")
}

func (s *Sink) record(ss *session, data []byte) {
	s.count.Add(1)
	s.mu.Lock()
	keep := s.keep
	if s.perRcpt == nil {
		s.perRcpt = map[string]int{}
	}
	for _, to := range ss.rcpt {
		s.perRcpt[strings.ToLower(to)]++
	}
	s.mu.Unlock()
	if !keep {
		return
	}
	r := Received{From: ss.from, To: append([]string(nil), ss.rcpt...), Raw: data, TLS: ss.tls, User: ss.user}
	if m, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		r.Header = m.Header
		r.MessageID = strings.Trim(m.Header.Get("Message-Id"), "<>")
		dec := new(mime.WordDecoder)
		if subj, err := dec.DecodeHeader(m.Header.Get("Subject")); err == nil {
			r.Subject = subj
		}
		r.Text, r.HTML = bodies(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, r)
	s.mu.Unlock()
}

// bodies extracts the text and HTML parts of a (multipart) body.
func bodies(ctype, cte string, body io.Reader) (text, html string) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return text, html
			}
			t, h := bodies(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if text == "" {
				text = t
			}
			if html == "" {
				html = h
			}
		}
	}
	b := decode(cte, body)
	if mt == "text/html" {
		return "", b
	}
	return b, ""
}

func decode(cte string, r io.Reader) string {
	switch strings.ToLower(cte) {
	case "quoted-printable":
		b, _ := io.ReadAll(quotedprintable.NewReader(r))
		return string(b)
	case "base64":
		b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, &stripNL{r: bufio.NewReader(r)}))
		return string(b)
	}
	b, _ := io.ReadAll(r)
	return string(b)
}

type stripNL struct{ r *bufio.Reader }

func (s *stripNL) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c, err := s.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c == '\r' || c == '\n' {
			continue
		}
		p[n] = c
		n++
	}
	return n, nil
}

// SelfSignedTLS makes a server certificate for 127.0.0.1 and localhost and
// a client config that trusts it.
func SelfSignedTLS() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client, nil
}
