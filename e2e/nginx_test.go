package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eacred/dcrstakepool/simnet/proctest"
)

// The host name of sample-nginx.conf, kept in the test as an operator
// would keep their own: requests carry it as Host and TLS server name.
const nginxHost = "vsp.example.com"

// TestSampleNginx deploys sample-nginx.conf with Debian's nginx as an
// operator would (Debian's nginx.conf including the site, the lines marked
// CHANGE edited, public/ copied and pre-compressed with zipassets.sh) in
// front of the real dcrstakepool configured as the file's header says, and
// checks what the file promises: HTTP moves to HTTPS; TLS with HSTS; pages
// and forms are proxied (CSRF passes with the https baseurl); dcrstakepool
// sees the address that connected to nginx, never one the client sent in
// X-Real-IP or X-Forwarded-For; /assets/ comes from the folder on disk,
// gzip_static sends zipassets.sh's .gz bytes to clients that accept gzip
// and the plain file to others; large bodies get 413 and request floods 429,
// per client address.
func TestSampleNginx(t *testing.T) {
	t.Parallel() // the scenarios mostly wait (blocks, votes, pages): two at a time halve the wall time
	nginx := findNginx(t)
	dir, err := os.MkdirTemp("", "e2e-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("nginx test files kept in %s", dir)
		}
	})
	for _, d := range []string{"logs", "acme", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	root := repoRoot(t)

	// The static files as the setup installs them: a copy of public/,
	// pre-compressed, plus a file only this copy has (so a 200 for it
	// proves nginx served it from disk, not dcrstakepool).
	pub := filepath.Join(dir, "public")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "public"), pub).CombinedOutput(); err != nil {
		t.Fatalf("copy public/: %v\n%s", err, out)
	}
	marker := "served from disk by nginx\n" + strings.Repeat("padding ", 200)
	if err := os.WriteFile(filepath.Join(pub, "nginx-only.txt"), []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(filepath.Join(root, "zipassets.sh"), pub).CombinedOutput(); err != nil {
		t.Fatalf("zipassets.sh: %v\n%s", err, out)
	}
	cssGz, err := os.ReadFile(filepath.Join(pub, "css", "style.css.gz"))
	if err != nil {
		t.Fatalf("zipassets.sh made no style.css.gz: %v", err)
	}
	css, err := os.ReadFile(filepath.Join(pub, "css", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	certPEM := writeCert(t, dir)

	// dcrstakepool as the file's header asks, with a backend that does not
	// answer (pages that need no backend work; /status says 500).
	appAddr := freeAddr(t)
	app := startBareFrontEnd(t, dir, appAddr, certPEM)

	httpAddr, httpsAddr := freeAddr(t), freeAddr(t)
	site := operatorSite(t, filepath.Join(root, "sample-nginx.conf"), dir, httpAddr, httpsAddr, appAddr)
	sitePath := filepath.Join(dir, "dcrstakepool-site.conf")
	mainPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(sitePath, []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mainPath, []byte(debianMainConf(t, dir, sitePath)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-c", mainPath, "-e", filepath.Join(dir, "logs", "startup-error.log")}
	if out, err := exec.Command(nginx, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t refuses the site: %v\n%s", err, out)
	}
	ng := &proctest.Proc{Name: "nginx", Bin: nginx, Args: args, Dir: dir, OutFile: "nginx.out"}
	if err := ng.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ng.Stop(syscall.SIGQUIT, 10*time.Second); err != nil {
			t.Logf("stop nginx: %v", err)
		}
	})
	waitFor(t, 20*time.Second, "nginx listening", func() error {
		if !ng.Running() {
			return fmt.Errorf("nginx exited: %s", ng.Tail(2000))
		}
		c, err := net.Dial("tcp", httpsAddr)
		if err == nil {
			_ = c.Close() // a probe: only the dial matters
		}
		return err
	})

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	client := func(from string) *http.Client { return nginxClient(t, from, httpAddr, httpsAddr, pool) }
	alice := client("127.0.0.2")
	get := func(c *http.Client, u string, hdr map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	site1 := "https://" + nginxHost

	t.Run("http moves to https", func(t *testing.T) {
		resp, _ := get(alice, "http://"+nginxHost+"/login?next=%2Fsettings", nil)
		if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != site1+"/login?next=%2Fsettings" {
			t.Errorf("http: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("pages and forms are proxied over TLS", func(t *testing.T) {
		resp, body := get(alice, site1+"/login", nil)
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`action="/login"`)) {
			t.Fatalf("login page: %d %.300s", resp.StatusCode, body)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("served over %s, the site listens with http2", resp.Proto)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Errorf("no HSTS on pages: %q", hsts)
		}
		m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token on the login page")
		}
		form := url.Values{"csrf_token": {string(m[1])}, "email": {"nobody@e2e.example"}, "password": {"wrong password"}}
		req, _ := http.NewRequest(http.MethodPost, site1+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", site1)
		req.Header.Set("Referer", site1+"/login")
		resp, err := alice.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// 401 "invalid email or password": the form got through the
		// proxy and its CSRF check (403 would mean it did not).
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("login through nginx: %d %.300s", resp.StatusCode, b)
		}
	})

	t.Run("dcrstakepool sees the connecting address", func(t *testing.T) {
		for _, tc := range []struct{ from, path string }{{"127.0.0.2", "/probe-plain"}, {"127.0.0.3", "/probe-spoofed"}} {
			c := client(tc.from)
			hdr := map[string]string{}
			if tc.path == "/probe-spoofed" {
				hdr = map[string]string{"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
			}
			get(c, site1+tc.path, hdr)
			want := regexp.MustCompile(regexp.QuoteMeta(tc.path) + ` 404 \S+ ip=(\S+)`)
			waitFor(t, 10*time.Second, "dcrstakepool logging "+tc.path, func() error {
				m := want.FindStringSubmatch(app.Output())
				if m == nil {
					return fmt.Errorf("not logged yet")
				}
				if m[1] != tc.from {
					t.Errorf("%s from %s: dcrstakepool saw ip=%s", tc.path, tc.from, m[1])
				}
				return nil
			})
		}
	})

	t.Run("static files from disk, pre-compressed", func(t *testing.T) {
		resp, body := get(alice, site1+"/assets/nginx-only.txt", nil)
		if resp.StatusCode != http.StatusOK || string(body) != marker {
			t.Errorf("a file only on disk: %d %.80q", resp.StatusCode, body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "max-age=86400" {
			t.Errorf("assets Cache-Control %q, the site sets expires 1d", cc)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
			t.Error("no HSTS on assets")
		}
		resp, body = get(alice, site1+"/assets/css/style.css", map[string]string{"Accept-Encoding": "gzip"})
		if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, cssGz) {
			t.Errorf("style.css with gzip: Content-Encoding %q, %d bytes; want zipassets.sh's %d-byte .gz as it is",
				resp.Header.Get("Content-Encoding"), len(body), len(cssGz))
		}
		resp, body = get(alice, site1+"/assets/css/style.css", map[string]string{"Accept-Encoding": "identity"})
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, css) {
			t.Errorf("style.css without gzip: Content-Encoding %q, %d bytes, want the %d-byte file",
				resp.Header.Get("Content-Encoding"), len(body), len(css))
		}
		if strings.Contains(app.Output(), "/assets/") {
			t.Error("dcrstakepool was asked for /assets/: nginx did not serve them")
		}
	})

	t.Run("limits", func(t *testing.T) {
		big := strings.NewReader(strings.Repeat("x", 2<<20))
		req, _ := http.NewRequest(http.MethodPost, site1+"/login", big)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := alice.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("2 MB body: %d, want 413 from nginx", resp.StatusCode)
		}
		flood := client("127.0.0.4")
		codes := map[int]int{}
		for i := 0; i < 80; i++ {
			resp, _ := get(flood, site1+"/probe-flood", nil)
			codes[resp.StatusCode]++
		}
		if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusNotFound] < 33 {
			t.Errorf("80 quick requests from one address: %v; want the burst of 32 (+1) through and 429 after", codes)
		}
		resp, _ = get(client("127.0.0.5"), site1+"/probe-other", nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("another address during the flood: %d, want it unaffected (404 from dcrstakepool)", resp.StatusCode)
		}
	})
}

func findNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatal("nginx is not installed: apt-get install nginx (run_tests.sh installs it)")
	return ""
}

// operatorSite is sample-nginx.conf with the edits its CHANGE lines ask
// for, and the ports moved to free ones. Every edit must apply, so a
// changed sample fails here rather than being tested half-edited.
func operatorSite(t *testing.T, path, dir, httpAddr, httpsAddr, appAddr string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	edits := []struct{ old, new string }{
		{"listen 80;", "listen " + httpAddr + ";"},
		{"listen [::]:80;", ""},
		{"listen 443 ssl http2;", "listen " + httpsAddr + " ssl http2;"},
		{"listen [::]:443 ssl http2;", ""},
		{"server 127.0.0.1:8000;", "server " + appAddr + ";"},
		{"/etc/letsencrypt/live/vsp.example.com/fullchain.pem", filepath.Join(dir, "cert.pem")},
		{"/etc/letsencrypt/live/vsp.example.com/privkey.pem", filepath.Join(dir, "key.pem")},
		{"root /var/www/letsencrypt;", "root " + filepath.Join(dir, "acme") + ";"},
		{"alias /opt/dcrstakepool/public/;", "alias " + filepath.Join(dir, "public") + "/;"},
		{"/var/log/nginx/", filepath.Join(dir, "logs") + "/"},
	}
	for _, e := range edits {
		if !strings.Contains(s, e.old) {
			t.Fatalf("sample-nginx.conf has no %q any more: update TestSampleNginx's edits", e.old)
		}
		s = strings.ReplaceAll(s, e.old, e.new)
	}
	return s
}

// debianMainConf is Debian's /etc/nginx/nginx.conf, which includes every
// site in sites-enabled/, pointed at the test's folder instead of the
// system's (pid, logs, temporary files) and including only our site.
func debianMainConf(t *testing.T, dir, site string) string {
	t.Helper()
	b, err := os.ReadFile("/etc/nginx/nginx.conf")
	if err != nil {
		t.Fatalf("Debian's nginx.conf: %v (apt-get install nginx)", err)
	}
	s := string(b)
	user := "user root;" // workers must read the test's folder
	if os.Geteuid() != 0 {
		user = ""
	}
	tmp := filepath.Join(dir, "tmp")
	edits := []struct{ old, new string }{
		{"user www-data;", user},
		{"worker_processes auto;", "worker_processes 1;"},
		{"pid /run/nginx.pid;", "pid " + filepath.Join(dir, "nginx.pid") + ";\ndaemon off;"},
		{"/var/log/nginx/", filepath.Join(dir, "logs") + "/"},
		{"include /etc/nginx/conf.d/*.conf;", ""},
		{"include /etc/nginx/sites-enabled/*;", fmt.Sprintf("client_body_temp_path %s/body;\n\tproxy_temp_path %s/proxy;\n\t"+
			"fastcgi_temp_path %s/fastcgi;\n\tuwsgi_temp_path %s/uwsgi;\n\tscgi_temp_path %s/scgi;\n\tinclude %s;", tmp, tmp, tmp, tmp, tmp, site)},
	}
	for _, e := range edits {
		if !strings.Contains(s, e.old) {
			t.Fatalf("/etc/nginx/nginx.conf has no %q (not Debian's?)", e.old)
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return s
}

// writeCert makes a self-signed certificate for nginxHost (cert.pem and
// key.pem in dir) and returns the certificate PEM.
func writeCert(t *testing.T, dir string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: nginxHost},
		DNSNames: []string{nginxHost}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPEM
}

// startBareFrontEnd runs dcrstakepool configured for nginx as the sample's
// header says (loopback listen, https baseurl, cookiesecure, X-Real-IP),
// with one stakepoold that never answers.
func startBareFrontEnd(t *testing.T, dir, addr string, cert []byte) *proctest.Proc {
	t.Helper()
	web := filepath.Join(dir, "web")
	if err := os.MkdirAll(web, 0o700); err != nil {
		t.Fatal(err)
	}
	backendCert := filepath.Join(web, "stakepoold.cert")
	if err := os.WriteFile(backendCert, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	conf := strings.Join([]string{
		"simnet=1", "listen=" + addr, "baseurl=https://" + nginxHost, "cookiesecure=1", "realipheader=X-Real-IP",
		"apisecret=nginx-test-api-secret-0123456789abcdef0123456789",
		"cookiesecret=nginx-test-cookie-secret-0123456789abcdef01234",
		"coldwalletextpub=" + coldXpub, "votingwalletextpub=" + coldXpub,
		"stakepooldhosts=" + freeAddr(t), "stakepooldcerts=" + backendCert, "poolfees=" + poolFees,
		"nocaptcha=1", "dbpath=" + filepath.Join(web, "db.sqlite"), "logdir=" + filepath.Join(web, "logs"),
		"templatepath=" + filepath.Join(root, "views"), "publicpath=" + filepath.Join(root, "public"),
	}, "\n") + "\n"
	confPath := filepath.Join(web, "dcrstakepool.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &proctest.Proc{Name: "dcrstakepool", Bin: filepath.Join(binDir, "dcrstakepool"), Args: []string{"--configfile", confPath},
		Dir: web, OutFile: "proc.log", Env: []string{"HOME=" + web}}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(syscall.SIGINT, 10*time.Second); err != nil {
			t.Logf("stop dcrstakepool: %v", err)
		}
	})
	waitFor(t, 60*time.Second, "dcrstakepool answering", func() error {
		if !p.Running() {
			return fmt.Errorf("dcrstakepool exited:\n%s", p.Tail(3000))
		}
		resp, err := http.Get("http://" + addr + "/login")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	})
	return p
}

// nginxClient connects from the loopback address from (any 127/8 address
// is ours) to nginx's ports whatever host the URL names, verifies TLS
// against pool, and follows no redirects.
func nginxClient(t *testing.T, from, httpAddr, httpsAddr string, pool *x509.CertPool) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if strings.HasSuffix(addr, ":443") {
				return d.DialContext(ctx, network, httpsAddr)
			}
			return d.DialContext(ctx, network, httpAddr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: nginxHost},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	jar, _ := cookiejar.New(nil)
	return &http.Client{Transport: tr, Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
