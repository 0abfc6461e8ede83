// SPDX-License-Identifier: BSD-3-Clause
// Typed, validated configuration of one haslb instance (DESIGN 6).
//
// Who calls: the control lcore (main) only, before EAL init (to build EAL
// arguments) and on `reload`. Workers never see this struct; they read
// snapshots built from it by each module.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haslb::config {

// IPv4 address in host byte order plus prefix length.
struct Ipv4Prefix {
    uint32_t addr = 0;
    uint8_t len = 0;
};

// IPv6 address in network order.
using Ipv6Addr = std::array<uint8_t, 16>;

// IPv6 address plus prefix length.
struct Ipv6Prefix {
    Ipv6Addr addr{};
    uint8_t len = 0;
};

using MacAddr = std::array<uint8_t, 6>;

// Where a setting came from, for messages: "file:line".
struct Origin {
    std::string file;
    int line = 0;
};

// init-only: EAL is initialised once per process.
struct EalConfig {
    std::string lcores = "0-1";         // EAL -l list; first lcore = control lcore
    std::vector<std::string> args;      // extra EAL arguments, appended after the driver's
    std::string file_prefix = "haslb";  // EAL --file-prefix; names telemetry dir and console socket
};

// A driver profile (drivers-cfg/*.conf): defaults for every port of one NIC family.
// init-only.
struct DriverProfile {
    std::string name = "default";
    std::vector<std::string> eal_args;  // e.g. --no-huge -m 1024 --no-pci for the lab
    uint16_t rx_queue_size = 1024;      // descriptors per RX queue
    uint16_t tx_queue_size = 1024;      // descriptors per TX queue
    bool rss = true;                    // spread flows over worker RX queues
    std::vector<std::string> rx_offloads;  // DPDK offload names: "ipv4_cksum", "udp_cksum", ...
    std::vector<std::string> tx_offloads;
    uint16_t mtu = 1500;
    Origin origin;
};

// init-only: pool sizes are fixed once ports start.
struct MempoolConfig {
    uint32_t mbufs = 16383;  // per socket; (2^n - 1) is the most memory-efficient
    uint32_t cache = 256;    // per-lcore cache
};

// init-only: ports are probed once. Reloading a changed port is refused.
struct PortConfig {
    std::string name;    // operator's name, e.g. "access", "farm", "core"
    std::string device;  // vdev devargs ("net_af_packet0,iface=veth0") or PCI address
    Ipv4Prefix address;  // the appliance's address on this segment
    std::optional<Ipv6Prefix> address6;  // its global IPv6 address, if the segment has IPv6
    std::optional<MacAddr> mac;  // override the device MAC
    uint16_t vlan = 0;           // 0 = untagged
    uint16_t mtu = 1500;
    uint16_t rx_queue_size = 0;  // 0 = driver profile's
    uint16_t tx_queue_size = 0;
    Origin origin;
};

// reloadable.
struct RouteConfig {
    Ipv4Prefix prefix;
    uint32_t via = 0;  // next hop, host byte order; must be on a connected subnet
    size_t index = 0;  // position in the `routes` list (for messages)
    Origin origin;
};

// reloadable. An IPv6 entry of the `routes` list.
struct Route6Config {
    Ipv6Prefix prefix;
    Ipv6Addr via{};    // next hop; a global address on a port's IPv6 subnet
    size_t index = 0;  // position in the `routes` list (for messages)
    Origin origin;
};

// reloadable.
struct NeighborConfig {
    uint32_t max_entries = 4096;     // size of the data-plane neighbour table (init-only)
    uint32_t reachable_time_s = 300; // after this without confirmation an entry is re-probed
    uint32_t retries = 3;            // ARP requests before a resolution fails
    uint32_t retry_interval_ms = 1000;
    uint32_t hold_packets = 4;       // packets held per unresolved next hop
};

// init-only.
struct ConsoleConfig {
    std::string socket_dir = "/run/haslb";  // socket is <socket_dir>/<file_prefix>.sock
};

// init-only.
struct ExceptionConfig {
    // Network namespace that holds the exception-path taps and the control
    // protocols' kernel sockets. Empty = "haslb-<file_prefix>".
    // "-" = leave the taps in the namespace haslb runs in.
    std::string netns;
};

// HA-SLB (seeds 000/001; `ip slb serverfarm` / `ip slb vserver`).
struct RealConfig {
    uint32_t address = 0;   // host order; unicast
    uint16_t weight = 8;    // reloadable; 0..65535 (IOS default 8); 0 = no new sessions
    bool inservice = true;  // reloadable
    Origin origin;
};

enum class FarmNat : uint8_t {
    kNone,    // dispatched: rewrite the destination MAC only (reals on a port subnet, VIP on their loopback)
    kServer,  // direct / NAT server: rewrite the destination IP to the real's
};

struct ServerFarmConfig {
    std::string name;            // init-only; [A-Za-z0-9_-]{1,32}, unique
    FarmNat nat = FarmNat::kNone;  // init-only; "none" | "server"
    uint32_t retry_s = 60;       // reloadable; 1..3600: FAILED real retried after this
    uint32_t reassign = 3;       // reloadable; 1..4: retransmissions before a session moves
    uint32_t faildetect = 8;     // reloadable; 1..255: connection failures that make a real FAILED
    std::vector<RealConfig> reals;  // the set of addresses is init-only (1..256 per farm, unique in a farm)
    Origin origin;
};

struct VserverConfig {
    std::string name;         // init-only; [A-Za-z0-9_-]{1,32}, unique
    uint32_t virtual_addr = 0;  // init-only; the VIP, host order; unicast, not a port address
    uint8_t protocol = 17;    // init-only; "udp" (the only one for ipmobile)
    uint16_t port = 434;      // init-only; 1..65535
    std::string service = "ipmobile";  // init-only; "ipmobile"
    std::string serverfarm;   // init-only; must name a serverfarm
    uint32_t idle_s = 10;     // reloadable; 1..65535: session object lifetime without RRQs
    bool inservice = true;    // reloadable
    Origin origin;
};

// DFP manager (IOS `ip slb dfp` / `agent A port [timeout [retry-count [retry-interval]]]`).
struct DfpAgentConfig {
    uint32_t address = 0;        // the agent (normally the real HA itself), host order
    uint16_t port = 0;           // 1..65535, required
    uint32_t timeout_s = 0;      // 0..65535; 0 = never lost while connected; else no message
                                 // for this long = lost (weights back to static); sent as keep-alive
    uint32_t retry_count = 0;    // 0..65535 connection attempts before FAILED; 0 = forever
    uint32_t retry_interval_s = 180;  // 1..65535 seconds between attempts
    std::string password;        // overrides slb.dfp.password when not empty
    Origin origin;
};

struct DfpConfig {
    std::string password;  // 0..64 chars [A-Za-z0-9@#$]; empty = no Security TLV
    std::vector<DfpAgentConfig> agents;  // 0..64, (address, port) unique
};

struct SlbConfig {
    std::vector<ServerFarmConfig> serverfarms;  // 0..64
    std::vector<VserverConfig> vservers;        // 0..64; (virtual, protocol, port) unique
    uint32_t max_sessions = 65536;  // init-only; 1024..4194304: session table size
    uint32_t max_bindings = 65536;  // init-only; 1024..4194304: binding table size
    DfpConfig dfp;                  // reloadable as a whole (agents added/removed/changed)
};

// Extended access lists (IOS `ip access-list extended NAME`), DESIGN 6 `acls`.
// Each entry is one IOS access control entry written as text, e.g.
// "permit tcp any host 203.0.113.10 eq 80" or "deny ip 192.0.2.0 0.0.0.255 any".
struct AddrMatch {
    uint32_t addr = 0;  // host order, already masked
    uint8_t len = 0;    // prefix length; 0 = any (IOS wildcards must be contiguous)
};

struct PortMatch {
    enum class Op : uint8_t { kAny, kEq, kNeq, kLt, kGt, kRange };
    Op op = Op::kAny;
    uint16_t lo = 0;  // eq/neq/lt/gt: the port; range: first port
    uint16_t hi = 0;  // range: last port (lo <= hi)
};

struct AceConfig {
    bool permit = true;
    uint8_t proto = 0;  // 0 = "ip" (every protocol); 1 icmp, 6 tcp, 17 udp, or a number 1..255
    AddrMatch src, dst;
    PortMatch sport, dport;  // only with tcp or udp
    std::string text;        // as written, for show commands
    Origin origin;
};

// reloadable (hotline rule sets are rebuilt and swapped).
struct AclConfig {
    std::string name;  // [A-Za-z0-9_-]{1,32} (IOS numbers 100-199/2000-2699 are names too), unique
    std::vector<AceConfig> entries;  // 1..1024, first match wins
    Origin origin;
};

// Hotlining (seed 004). Rule types in their fixed priority order (seed 004
// requirement 8): the first matching rule in this order decides.
enum class HotlineRuleType : uint8_t { kHttpPass, kHttpRedirect, kIpRedirect, kFilter };
enum class Direction : uint8_t {
    kIn,   // upstream: from the subscriber (source = home address)
    kOut,  // downstream: to the subscriber (destination = home address)
};

struct HotlineRuleConfig {
    HotlineRuleType type = HotlineRuleType::kFilter;  // "http-pass" | "http-redirect" | "ip-redirect" | "filter"
    std::string acl;                    // must name an entry of `acls`
    Direction direction = Direction::kIn;  // "in" | "out"; only filter may be "out"
    uint32_t redirect = 0;  // ip-redirect: the redirect server, host order (required)
    uint16_t port = 0;      // ip-redirect: new TCP/UDP destination port; 0 = keep
    std::string url;        // http-redirect: Location of the 302 (required), 1..512 printable chars
    Origin origin;
    uint16_t index = 0;  // position in its `rules` list as written (before the priority sort),
                         // so messages name the key the operator wrote
};

constexpr size_t kMaxHotlineRules = 16;  // per profile (one rte_acl category each)

// reloadable; a profile in use by a subscriber cannot be removed.
struct HotlineProfileConfig {
    std::string name;  // [A-Za-z0-9_.-]{1,64}, unique; what a RADIUS Filter-Id names
    std::vector<HotlineRuleConfig> rules;  // 1..16; kept in priority order after loading
    Origin origin;
};

// IP redirect for subscribers who are not hotlined, per realm (seed 004,
// `ip mobile home-agent non-hotline profile`). reloadable.
struct NonHotlineConfig {
    std::string realm;  // "@example.com" or a full NAI "user@example.com", unique
    std::vector<HotlineRuleConfig> rules;  // ip-redirect only, direction in, 1..16
    Origin origin;
};

// Realm hotline capability flags (seed 004 `ip mobile realm R hotline capability`).
enum RealmCapability : uint32_t {
    kCapProfile = 0x1,       // "profile": profile-based hotlining (Filter-Id)
    kCapIpFilter = 0x2,      // "ipfilter"
    kCapHttpRedirect = 0x4,  // "httpredir"
    kCapIpRedirect = 0x8,    // "ipredir"
    kCapAll = 0xf,           // "all"
};

struct RealmConfig {
    std::string realm;        // "@example.com" or a full NAI, unique
    uint32_t capability = 0;  // RealmCapability flags, at least one
    Origin origin;
};

// NAT translations of IP-redirected flows (seed 004 timeouts). reloadable
// except max_translations (init-only).
struct NatConfig {
    uint32_t max_translations = 1048576;  // 1024..16777216
    uint32_t tcp_s = 60;           // established TCP without FIN/RST
    uint32_t tcp_fin_s = 30;       // after a FIN or RST
    uint32_t tcp_syn_s = 30;       // created by a SYN, no SYN/ACK yet
    uint32_t tcp_nosynack_s = 20;  // created by a segment with neither SYN nor ACK
    uint32_t udp_s = 30;
    uint32_t icmp_s = 5;           // from creation, whatever the replies
};

// A subscriber named in the configuration (besides those the binding table
// teaches). reloadable.
struct SubscriberConfig {
    std::string nai;                  // 1..72 bytes, unique
    std::vector<uint32_t> addresses;  // home addresses, host order, 0..8, unique across subscribers
    std::string profile;              // hotline profile to apply; empty = normal
    uint32_t session_timeout_s = 0;   // 0 = none
    Origin origin;
};

struct HotlineConfig {
    std::vector<HotlineProfileConfig> profiles;  // 0..1024
    std::vector<NonHotlineConfig> non_hotline;   // 0..1024
    std::vector<RealmConfig> realms;             // 0..4096
    std::vector<SubscriberConfig> subscribers;   // 0..65536
    uint32_t max_subscribers = 1048576;          // init-only; 1024..16777216 home addresses
    NatConfig nat;
};


// IKEv2 cluster load balancer (seed 003, IOS `crypto ikev2 cluster`): haslb
// owns the cluster VIP(s) and plays the primary's role for every gateway.
// An IP address of either family (gateway identities may be IPv6).
struct IpAddr {
    uint8_t family = 0;              // 4 or 6; 0 = unset
    std::array<uint8_t, 16> bytes{};  // network order; IPv4 in the first 4
    bool operator==(const IpAddr&) const = default;
};

struct ClusterMemberConfig {
    IpAddr address;            // init-only; the gateway's identity sent in REDIRECT (v4 or v6)
    uint16_t priority = 100;   // reloadable; 1..255 (IOS `secondary priority`)
    uint32_t max_session = 0;  // reloadable; 1..1000000; 0 = cluster.max_session
    Origin origin;
};

struct ClusterConfig {
    bool enabled = false;               // the group is present
    std::vector<uint32_t> vips;         // init-only; IPv4 VIPs, host order
    std::vector<Ipv6Addr> vips6;        // init-only; IPv6 VIPs; 1..8 VIPs of both families in all
    IpAddr listen;                      // init-only; port address (either family) for load
                                        // reports; unset = every address of both families
    uint16_t port = 2000;               // init-only; TCP port of load reports (IOS `port`)
    uint32_t holdtime_ms = 15000;       // reloadable; 100..3600000 (IOS `holdtime`)
    uint32_t overload_limit = 80;       // reloadable; 1..100 percent (IOS `overload-limit`)
    uint32_t weight_crypto = 100;       // reloadable; 0..100 (IOS `weight crypto-load`)
    uint32_t weight_system = 100;       // reloadable; 0..100 (IOS `weight system-load`)
    uint32_t max_session = 10000;       // reloadable; 1..1000000, default per member
    uint32_t nat_idle_s = 300;          // reloadable; 10..86400: sticky NAT entry idle time
    uint32_t max_nat_sessions = 65536;  // init-only; 1024..4194304
    std::vector<ClusterMemberConfig> members;  // 1..256; addresses unique
    Origin origin;
};

// "192.0.2.1" (strict, as parse_ipv4) or an IPv6 address (inet_pton). 0 or -EINVAL.
int parse_ip(const std::string& s, IpAddr& out);
std::string format_ip(const IpAddr& a);  // dotted quad or RFC 5952 text
// RADIUS (DESIGN 6 `radius`; README "RADIUS: CoA, Disconnect and accounting").
// Dynamic authorization clients (the AAA servers that send CoA/Disconnect).
struct RadiusClientConfig {
    uint32_t address = 0;  // source address of its requests, host order, unique
    std::string secret;    // shared secret, 1..128 octets
    bool require_message_authenticator = false;  // discard requests without one
    Origin origin;
};

struct DynauthConfig {
    uint16_t port = 3799;                    // UDP port of the server (RFC 5176)
    uint32_t event_timestamp_window_s = 300; // |now - Event-Timestamp| allowed; 0 = not checked
    uint32_t max_pending = 1024;   // CoAs kept for NAIs without a binding yet (new session)
    uint32_t pending_timeout_s = 300;  // how long such a CoA waits for its binding
    std::vector<RadiusClientConfig> clients;  // 0..64; none = no server
};

struct RadiusServerConfig {
    uint32_t address = 0;  // host order
    uint16_t port = 1813;
    std::string secret;    // 1..128 octets
    Origin origin;
};

struct AccountingConfig {
    std::vector<RadiusServerConfig> servers;  // 0..8, tried in order (failover); none = off
    std::string spool;  // directory of records not yet answered; "" = /var/spool/haslb/<file_prefix>
    uint32_t release_indicator = 14;   // 3GPP2-Release-Indicator in a hotline status change Stop
    uint32_t retransmit_ms = 1000;     // first retransmission after this
    uint32_t max_retransmit_ms = 16000;  // doubling stops here
    uint32_t retries = 3;              // sends to one server before failing over to the next
    uint32_t nas_ip_address = 0;       // NAS-IP-Address; 0 = the port address facing the server
};

struct RadiusConfig {
    DynauthConfig dynauth;
    AccountingConfig accounting;
};

struct Config {
    std::string file;  // path given with -c
    EalConfig eal;
    DriverProfile driver;
    MempoolConfig mempool;
    std::vector<PortConfig> ports;
    std::vector<RouteConfig> routes;
    std::vector<Route6Config> routes6;  // the IPv6 entries of `routes`
    NeighborConfig neighbors;
    ConsoleConfig console;
    ExceptionConfig exception;
    SlbConfig slb;
    std::vector<AclConfig> acls;
    HotlineConfig hotline;
    ClusterConfig cluster;
    RadiusConfig radius;
};

struct Error {
    Origin origin;
    std::string key;      // dotted path, e.g. "ports.[1].address"
    std::string message;  // what is wrong, in operator's words
    std::string str() const;  // "file:line: key: message"
};

// Parses and validates `path`. Returns 0 and fills `out`, or -EINVAL (bad
// content), -ENOENT/-EACCES (unreadable) with every problem found in `errors`
// (not just the first). `out` is unspecified on failure.
int load(const std::string& path, Config& out, std::vector<Error>& errors);

// Same, from text in memory (unit tests); `name` is used as the file name in
// messages and `include_dir` resolves @include.
int load_string(const std::string& text, const std::string& name, const std::string& include_dir,
                Config& out, std::vector<Error>& errors);

// Helpers shared by every front-end that accepts addresses.
// Return 0 or -EINVAL.
int parse_ipv4(const std::string& s, uint32_t& out);          // "192.0.2.1" -> host order
int parse_prefix(const std::string& s, Ipv4Prefix& out);      // "192.0.2.0/24"
int parse_mac(const std::string& s, MacAddr& out);            // "02:00:00:00:00:01"
std::string format_ipv4(uint32_t host_order);
std::string format_prefix(const Ipv4Prefix& p);
std::string format_mac(const MacAddr& m);
// IPv6 (addr6.cpp): "2001:db8::1" (inet_pton; must contain ':'; no zone),
// "2001:db8::/32"; printed in RFC 5952 form.
int parse_ipv6(const std::string& s, Ipv6Addr& out);
int parse_prefix6(const std::string& s, Ipv6Prefix& out);
std::string format_ipv6(const Ipv6Addr& a);
std::string format_prefix6(const Ipv6Prefix& p);

// One IOS extended access control entry (the text of an `acls` entry):
//   permit|deny PROTO SRC [SPORT] DST [DPORT]
// PROTO: ip | tcp | udp | icmp | 0..255 (ip and 0 = every protocol).
// SRC, DST: any | host A.B.C.D | A.B.C.D WILDCARD (contiguous) | A.B.C.D/len;
// the address is masked as IOS does.
// SPORT, DPORT (tcp and udp only): eq P | neq P | lt P | gt P | range P1 P2,
// P a number 0..65535 or a common name (www, https, domain, ...).
// Keywords are case-insensitive. Control lcore (config loader, console).
// Returns 0 and fills `out` (text = `text`; origin untouched), or
// -EINVAL with `why` saying what is wrong and `out` untouched.
int parse_ace(std::string_view text, AceConfig& out, std::string& why);

}  // namespace haslb::config
