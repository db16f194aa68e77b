package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Targets decides which addresses webhooks may be sent to. A webhook URL is
// typed by a department's clerk, and the worker sending it sits inside the
// government network: without a check, a URL naming 127.0.0.1, 10.x or
// 169.254.169.254 would make duban post to, and report on, internal
// services. So loopback, private, link-local, shared (CGNAT), multicast and
// unspecified addresses are refused unless an administrator's allow-list
// names them (DUBAN_WEBHOOK_ALLOW).
//
// The check runs twice: when a webhook is saved (CheckURL, so the clerk
// hears at once) and on every connection the sender makes, after DNS
// resolution (Dial), so a name that resolves to a public address when saved
// and to an internal one later (DNS rebinding) is still refused.
//
// The zero value, and a nil *Targets, refuse every internal address. (A
// Sender whose Targets field is nil, though, is not guarded at all: see
// Sender.Targets.)
type Targets struct {
	prefixes []netip.Prefix
	hosts    map[string]bool // lower case, without a trailing dot
}

// ParseTargets reads an allow-list: entries separated by commas or spaces,
// each an IP address ("127.0.0.1"), a CIDR prefix ("10.20.0.0/16") or a
// host name ("hooks.internal", which allows whatever it resolves to).
func ParseTargets(list string) (*Targets, error) {
	t := &Targets{hosts: map[string]bool{}}
	for _, entry := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if p, err := netip.ParsePrefix(entry); err == nil {
			t.prefixes = append(t.prefixes, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(entry); err == nil {
			t.prefixes = append(t.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		if strings.ContainsAny(entry, "/:[]") {
			return nil, fmt.Errorf("webhook allow-list entry %q is neither an IP address, a CIDR prefix nor a host name", entry)
		}
		t.hosts[canonicalHost(entry)] = true
	}
	return t, nil
}

func canonicalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// internal lists the ranges no webhook may reach without the allow-list,
// beside what netip's Is* methods recognise.
var internal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space (carrier-grade NAT, cloud internals)
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),  // NAT64: an IPv4 address in disguise
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// isInternal reports whether a is an address a webhook must not reach.
func isInternal(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || !a.IsValid() {
		return true
	}
	for _, p := range internal {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// allowedAddr reports whether a connection to a may be made.
func (t *Targets) allowedAddr(a netip.Addr) bool {
	if !isInternal(a) {
		return true
	}
	if t == nil {
		return false
	}
	for _, p := range t.prefixes {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// allowedHost reports whether host is named by the allow-list, which
// allows any address it resolves to.
func (t *Targets) allowedHost(host string) bool {
	return t != nil && t.hosts[canonicalHost(host)]
}

// TargetError says that a webhook's address is internal and not allowed.
type TargetError struct {
	Host string // as in the URL
	Addr string // the address it resolved to
}

// Error names the host and address; neither is secret (the URL's path and
// query, which may be, are never included).
func (e *TargetError) Error() string {
	if e.Addr == "" || e.Addr == e.Host {
		return fmt.Sprintf("webhook host %s is an internal address and not in DUBAN_WEBHOOK_ALLOW", e.Host)
	}
	return fmt.Sprintf("webhook host %s resolves to internal address %s, not in DUBAN_WEBHOOK_ALLOW", e.Host, e.Addr)
}

// targetReason is what a clerk reads about a refused target.
const targetReason = "Webhook 地址指向内网、本机或保留地址，不予发送；如确需使用，请联系管理员将其加入允许列表"

// CheckURL refuses, as a *ValidationError on "url", a webhook URL whose
// host is or resolves to an internal address the allow-list does not name.
// A name that does not resolve now passes: the check at send time decides.
func (t *Targets) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return invalid("url", "Webhook 地址格式不正确，请复制完整的网址")
	}
	host := u.Hostname()
	if t.allowedHost(host) {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !t.allowedAddr(a) {
			return invalid("url", "%s", targetReason)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !t.allowedAddr(a) {
			return invalid("url", "%s", targetReason)
		}
	}
	return nil
}

// DialContext connects like net.Dialer.DialContext, refusing after DNS
// resolution, for each address tried, an internal one the allow-list does
// not name; a host named by the allow-list may reach anything it resolves
// to. Put it in an http.Transport with Proxy nil: through a proxy the
// address checked would be the proxy's.
func (t *Targets) DialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if t.allowedHost(host) {
			return d.DialContext(ctx, network, addr)
		}
		guarded := *d
		guarded.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook address %q: %w", address, err)
			}
			if !t.allowedAddr(ap.Addr()) {
				return &TargetError{Host: host, Addr: ap.Addr().Unmap().String()}
			}
			return nil
		}
		return guarded.DialContext(ctx, network, addr)
	}
}

// isTargetError reports whether err is, or wraps, a refused target.
func isTargetError(err error) bool {
	var te *TargetError
	return errors.As(err, &te)
}
