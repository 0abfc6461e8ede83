// SPDX-License-Identifier: BSD-3-Clause
// haslb-dfp-agent: option parsing, the /proc and statistics parsers, the
// weight in its three modes, and what a manager sees on the wire.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "agent.hpp"
#include "log.hpp"
#include "command.hpp"
#include "dfp/wire.hpp"
#include "inputs.hpp"
#include "options.hpp"
#include "weight.hpp"

using namespace haslb::dfp_agent;

namespace {

// A file under /tmp that is removed with the object.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text, const std::string& tag = "f") {
        static int n = 0;
        path = "/tmp/test_dfp_agent." + std::to_string(getpid()) + "." + tag + std::to_string(n++);
        write(text);
    }
    void write(const std::string& text) const { std::ofstream(path) << text; }
    ~TempFile() { std::remove(path.c_str()); }
};

Options parse_ok(const std::vector<std::string>& args) {
    Options o;
    std::string err;
    INFO(err);
    REQUIRE(parse_args(args, o, err) == 0);
    return o;
}

std::string parse_err(const std::vector<std::string>& args) {
    Options o;
    std::string err;
    CHECK(parse_args(args, o, err) == -EINVAL);
    CHECK(!err.empty());
    return err;
}

const char* kStat =
    "cpu  100 5 50 800 40 3 2 0 0 0\n"
    "cpu0 50 2 25 400 20 1 1 0 0 0\n"
    "intr 12345 0 0\n";

const char* kMeminfo =
    "MemTotal:       16000000 kB\n"
    "MemFree:         2000000 kB\n"
    "MemAvailable:   12000000 kB\n"
    "Buffers:          100000 kB\n"
    "Cached:          3000000 kB\n";

}  // namespace

TEST_CASE("/proc/stat: the aggregate cpu line, idle + iowait as free", "[dfp-agent]") {
    CpuTimes t;
    REQUIRE(parse_proc_stat(kStat, t) == 0);
    CHECK(t.total == 1000);  // user..steal; guest is inside user already
    CHECK(t.free == 840);

    SECTION("guest columns are not counted twice") {
        REQUIRE(parse_proc_stat("cpu 100 0 0 100 0 0 0 0 50 50\n", t) == 0);
        CHECK(t.total == 200);
    }
    SECTION("an old kernel's four columns") {
        REQUIRE(parse_proc_stat("cpu 10 0 10 80\n", t) == 0);
        CHECK(t.total == 100);
        CHECK(t.free == 80);
    }
    SECTION("no cpu line, too few columns, or garbage") {
        CHECK(parse_proc_stat("cpu0 1 2 3 4 5\nintr 1\n", t) == -EINVAL);
        CHECK(parse_proc_stat("", t) == -EINVAL);
        CHECK(parse_proc_stat("cpu 1 2 3\n", t) == -EINVAL);
        CHECK(parse_proc_stat("cpu 1 2 x 4 5\n", t) == -EINVAL);
        CHECK(parse_proc_stat("cpu 1 2 -3 4 5\n", t) == -EINVAL);
    }
}

TEST_CASE("CPU free percentage between two samples", "[dfp-agent]") {
    CpuTimes boot{}, a{840, 1000}, b{1340, 2000};
    CHECK(cpu_free_pct(boot, a) == Approx(84.0));  // first report: since boot
    CHECK(cpu_free_pct(a, b) == Approx(50.0));
    CHECK(cpu_free_pct(a, CpuTimes{840 + 100, 1100}) == Approx(100.0));
    CHECK(cpu_free_pct(a, CpuTimes{840, 1100}) == Approx(0.0));
    // No tick passed, or iowait went backwards: unknown, the caller keeps its figure.
    CHECK(cpu_free_pct(a, a) < 0);
    CHECK(cpu_free_pct(a, CpuTimes{800, 1100}) < 0);
}

TEST_CASE("/proc/meminfo: MemAvailable / MemTotal", "[dfp-agent]") {
    MemInfo m;
    REQUIRE(parse_meminfo(kMeminfo, m) == 0);
    CHECK(m.total_kb == 16000000);
    CHECK(m.available_kb == 12000000);
    CHECK(mem_free_pct(m) == Approx(75.0));

    SECTION("before Linux 3.14: MemFree + Buffers + Cached") {
        REQUIRE(parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\n"
                              "Cached: 100 kB\n",
                              m) == 0);
        CHECK(m.available_kb == 250);
        CHECK(mem_free_pct(m) == Approx(25.0));
    }
    SECTION("no MemTotal, or MemTotal 0") {
        CHECK(parse_meminfo("MemFree: 100 kB\n", m) == -EINVAL);
        CHECK(parse_meminfo("MemTotal: 0 kB\nMemAvailable: 0 kB\n", m) == -EINVAL);
        CHECK(parse_meminfo("", m) == -EINVAL);
    }
    SECTION("percentages stay in 0..100") {
        CHECK(mem_free_pct(MemInfo{100, 200}) == Approx(100.0));
        CHECK(mem_free_pct(MemInfo{100, 0}) == Approx(0.0));
    }
}

TEST_CASE("statistics text: bindings and cps", "[dfp-agent]") {
    SECTION("both keys, comments, blank lines, unknown keys, CRLF") {
        Stats s = parse_stats("# written by the HA\n\nbindings 500\r\nthroughput 7\ncps\t25\n");
        CHECK(s.has_bindings);
        CHECK(s.has_cps);
        CHECK(s.bindings == 500);
        CHECK(s.cps == 25);
        CHECK(s.problems.empty());
    }
    SECTION("missing keys count as 0 without a parse problem") {
        Stats s = parse_stats("bindings 3\n");
        CHECK(s.bindings == 3);
        CHECK_FALSE(s.has_cps);
        CHECK(s.cps == 0);
        CHECK(s.problems.empty());
        Stats e = parse_stats("");
        CHECK_FALSE(e.has_bindings);
        CHECK(e.bindings == 0);
    }
    SECTION("the last value of a key wins; no trailing newline needed") {
        Stats s = parse_stats("bindings 3\nbindings 9");
        CHECK(s.bindings == 9);
    }
    SECTION("negative, fractional, overflowing or non-numeric values give 0 and a problem") {
        for (const char* bad : {"bindings -5", "bindings 1.5", "bindings 99999999999999999999999",
                                "bindings many", "bindings +5"}) {
            Stats s = parse_stats(std::string(bad) + "\ncps 7\n");
            INFO(bad);
            CHECK(s.has_bindings);
            CHECK(s.bindings == 0);
            CHECK(s.cps == 7);
            REQUIRE(s.problems.size() == 1);
            CHECK(s.problems[0].find("line 1") != std::string::npos);
        }
    }
    SECTION("garbage lines are reported and skipped") {
        Stats s = parse_stats("hello\nbindings 4\n\x01\x02 x y\ncps 2 extra\n");
        CHECK(s.bindings == 4);
        CHECK(s.cps == 0);  // "cps 2 extra" is not "key value"
        CHECK(s.has_cps);
        CHECK(s.problems.size() == 3);
    }
    SECTION("a file of garbage gives a bounded list of problems") {
        std::string junk;
        for (int i = 0; i < 1000; i++) junk += "junk\n";
        CHECK(parse_stats(junk).problems.size() == 8);
    }
}

TEST_CASE("read_small_file reads /proc files and reports errors", "[dfp-agent]") {
    std::string s;
    REQUIRE(read_small_file("/proc/self/stat", s) == 0);  // size 0 in stat(), yet has content
    CHECK(!s.empty());
    CHECK(read_small_file("/nonexistent/x", s) == -ENOENT);
    TempFile f("abcdef");
    REQUIRE(read_small_file(f.path, s, 3) == 0);
    CHECK(s == "abc");
}

TEST_CASE("options: defaults", "[dfp-agent]") {
    Options o = parse_ok({});
    CHECK(o.port == 500);
    CHECK(o.bind_addr == 0);
    CHECK_FALSE(o.has_host);
    CHECK(o.protocol == 17);
    CHECK(o.service_port == 434);
    CHECK(o.bind_id == 65535);
    CHECK(o.interval_s == 10);
    CHECK(o.password.empty());
    CHECK(o.key_id == 0);
    CHECK(o.mode == Mode::kFormula);
    CHECK(o.max_weight == 100);
    CHECK(o.max_bindings == 1000);
    CHECK(o.available_cps == 100);
    CHECK(o.stats_file.empty());
    CHECK(o.stats_command.empty());
    CHECK(o.command_timeout_s == 2);
    CHECK_FALSE(o.once);
}

TEST_CASE("options: every option, both spellings", "[dfp-agent]") {
    Options o = parse_ok({"--port",
                          "8500",
                          "--bind=10.1.1.51",
                          "--host",
                          "10.1.1.52",
                          "--protocol",
                          "tcp",
                          "--service-port",
                          "0",
                          "--bind-id",
                          "7",
                          "--interval=3",
                          "--password",
                          "s3cr@t",
                          "--key-id",
                          "4294967295",
                          "--max-weight",
                          "200",
                          "--max-bindings",
                          "5000",
                          "--available-cps",
                          "80",
                          "--stats-file",
                          "/run/ha.stats",
                          "--command-timeout",
                          "5",
                          "--once"});
    CHECK(o.port == 8500);
    CHECK(o.bind_addr == 0x0a010133);
    CHECK(o.has_host);
    CHECK(o.host_addr == 0x0a010134);
    CHECK(o.protocol == 6);
    CHECK(o.service_port == 0);
    CHECK(o.bind_id == 7);
    CHECK(o.interval_s == 3);
    CHECK(o.password == "s3cr@t");
    CHECK(o.key_id == 4294967295u);
    CHECK(o.max_weight == 200);
    CHECK(o.max_bindings == 5000);
    CHECK(o.available_cps == 80);
    CHECK(o.stats_file == "/run/ha.stats");
    CHECK(o.command_timeout_s == 5);
    CHECK(o.once);

    CHECK(parse_ok({"--protocol", "any"}).protocol == 0);
    CHECK(parse_ok({"--protocol", "UDP"}).protocol == 17);
    CHECK(parse_ok({"--protocol", "132"}).protocol == 132);
    CHECK(parse_ok({"--stats-command", "ha-stats"}).stats_command == "ha-stats");

    Options s = parse_ok({"--static", "0"});
    CHECK(s.mode == Mode::kStatic);
    CHECK(s.static_weight == 0);
    CHECK(parse_ok({"--static=65535"}).static_weight == 65535);
    CHECK(parse_ok({"--static", "3", "--static", "4"}).static_weight == 4);  // last wins

    Options c = parse_ok({"--command", "exit 3"});
    CHECK(c.mode == Mode::kCommand);
    CHECK(c.command == "exit 3");

    CHECK(parse_ok({"--help", "--bogus"}).help);
    CHECK(parse_ok({"-h"}).help);
    CHECK(parse_ok({"-V"}).version);
    CHECK(parse_ok({"--version"}).version);
}

TEST_CASE("options: the password from a file", "[dfp-agent]") {
    TempFile f("fromfile\r\nsecond line\n");
    CHECK(parse_ok({"--password-file", f.path}).password == "fromfile");
    CHECK(parse_err({"--password-file", "/nonexistent/pw"}).find("cannot read") !=
          std::string::npos);
    CHECK(parse_err({"--password", "a", "--password-file", f.path}).find("only one") !=
          std::string::npos);
    TempFile empty("\n");
    CHECK(parse_err({"--password-file", empty.path}).find("1..64") != std::string::npos);
}

TEST_CASE("options: bad values name the option", "[dfp-agent]") {
    struct Bad {
        std::vector<std::string> args;
        const char* says;
    };
    const Bad cases[] = {
        {{"--port", "0"}, "--port: '0'"},
        {{"--port", "65536"}, "--port"},
        {{"--port", "-1"}, "--port"},
        {{"--port", "5x"}, "--port"},
        {{"--port", " 5"}, "--port"},
        {{"--port"}, "--port needs a value"},
        {{"--port="}, "--port: ''"},
        {{"--bind", "10.1.1"}, "--bind: '10.1.1' is not an IPv4 address"},
        {{"--bind", "::1"}, "--bind"},
        {{"--host", "ha1.example"}, "--host"},
        {{"--protocol", "sctp"}, "--protocol: 'sctp'"},
        {{"--protocol", "256"}, "--protocol"},
        {{"--service-port", "70000"}, "--service-port"},
        {{"--bind-id", "65536"}, "--bind-id"},
        {{"--interval", "0"}, "--interval"},
        {{"--interval", "61"}, "1..60"},
        {{"--key-id", "4294967296"}, "--key-id"},
        {{"--static", "65536"}, "--static"},
        {{"--static", "-1"}, "--static"},
        {{"--command", ""}, "--command: the command is empty"},
        {{"--command-timeout", "0"}, "--command-timeout"},
        {{"--max-weight", "65536"}, "--max-weight"},
        {{"--max-bindings", "0"}, "--max-bindings"},
        {{"--available-cps", "0"}, "--available-cps"},
        {{"--available-cps", "lots"}, "--available-cps"},
        {{"--stats-file", ""}, "--stats-file"},
        {{"--stats-command", ""}, "--stats-command"},
        {{"--password", ""}, "1..64"},
        {{"--password", std::string(65, 'a')}, "1..64 characters (it has 65)"},
        {{"--once=yes"}, "--once takes no value"},
        {{"--bogus"}, "unknown option '--bogus'"},
        {{"-x"}, "unknown option '-x'"},
        {{"stray"}, "unexpected argument 'stray'"},
    };
    for (const Bad& b : cases) {
        INFO(b.args[0]);
        std::string err = parse_err(b.args);
        INFO(err);
        CHECK(err.find(b.says) != std::string::npos);
    }
}

TEST_CASE("options: one weight mode only", "[dfp-agent]") {
    CHECK(parse_err({"--static", "5", "--command", "true"}) ==
          "--static and --command are two weight modes; give only one");
    CHECK(parse_err({"--command", "true", "--static", "5"}).find("two weight modes") !=
          std::string::npos);
    CHECK(parse_err({"--static", "5", "--max-weight", "10"}) ==
          "--max-weight is for the formula weight mode; it cannot go with --static");
    CHECK(parse_err({"--stats-file", "f", "--command", "true"}).find("--stats-file") !=
          std::string::npos);
    CHECK(parse_err({"--stats-file", "f", "--stats-command", "c"}).find("only one") !=
          std::string::npos);
}

TEST_CASE("command weight: the exit status", "[dfp-agent]") {
    Options o = parse_ok({"--command", "true"});
    auto weigh = [&](const std::string& cmd) {
        o.command = cmd;
        Weigher w(o);
        return w.compute();
    };
    CHECK(weigh("true").weight == 0);
    CHECK(weigh("true").problems.empty());
    CHECK(weigh("false").weight == 1);
    CHECK(weigh("sh -c 'exit 42'").weight == 42);
    CHECK(weigh("exit 255").weight == 255);
    CHECK(weigh("echo noise; exit 9").weight == 9);  // stdout is not the weight

    SECTION("a command that cannot run reports 0 and says why") {
        Report r = weigh("/nonexistent/ha-health 2>/dev/null");
        CHECK(r.weight == 0);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].find("127") != std::string::npos);
        TempFile not_executable("exit 3\n", "noexec");
        r = weigh(not_executable.path + " 2>/dev/null");  // 126
        CHECK(r.problems[0].find("126") != std::string::npos);
        CHECK(r.weight == 0);
        CHECK(r.problems.size() == 1);
    }
    SECTION("killed by a signal reports 0") {
        Report r = weigh("kill -TERM $$");
        CHECK(r.weight == 0);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].find("signal 15") != std::string::npos);
    }
    SECTION("a hung command is killed at the timeout, its children too") {
        o.command_timeout_s = 1;
        Report r = weigh("sleep 30 & sleep 30; exit 5");
        CHECK(r.weight == 0);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].find("timed out") != std::string::npos);
    }
}

TEST_CASE("command runner: output, limits, and the result's words", "[dfp-agent]") {
    CommandResult r = run_command("printf 'bindings 5\\n'; exit 3", 2000, true);
    CHECK(r.end == CommandResult::End::kExited);
    CHECK(r.code == 3);
    CHECK(r.output == "bindings 5\n");
    // More than a pipe holds: the command's writes must block, not fail with EAGAIN.
    r = run_command("head -c 1000000 /dev/zero", 2000, true, 1000);
    CHECK(r.end == CommandResult::End::kExited);
    CHECK(r.code == 0);
    CHECK(r.output.size() == 1000);
    // A background child holding stdout open does not delay the result.
    r = run_command("echo hi; sleep 3 &", 2000, true);
    CHECK(r.end == CommandResult::End::kExited);
    CHECK(r.output == "hi\n");
    // Nor does one that never stops writing.
    r = run_command("echo hi; (yes & sleep 1; kill $!) &", 2000, true, 100);
    CHECK(r.end == CommandResult::End::kExited);
    CHECK(r.output.size() <= 100);
    std::string problem;
    CHECK(command_weight(CommandResult{CommandResult::End::kSpawnFailed, ENOENT, ""}, 1, problem) ==
          0);
    CHECK(problem.find("cannot run /bin/sh") != std::string::npos);
    CHECK(command_weight(CommandResult{CommandResult::End::kExited, 77, ""}, 1, problem) == 77);
    CHECK(problem.empty());
}

TEST_CASE("static weight", "[dfp-agent]") {
    Weigher w(parse_ok({"--static", "1234"}));
    Report r = w.compute();
    CHECK(r.weight == 1234);
    CHECK(r.problems.empty());
}

TEST_CASE("formula weight from /proc samples and the HA statistics", "[dfp-agent]") {
    // Whole-quarter percentages, so the result does not hang on how
    // free_level treats the inside of a quarter.
    TempFile stat("cpu  0 0 0 1000 0 0 0 0 0 0\n", "stat");
    TempFile mem("MemTotal: 1000 kB\nMemAvailable: 1000 kB\n", "mem");
    Sources src{stat.path, mem.path};

    SECTION("an idle HA with the defaults reports the seed's 25") {
        Weigher w(parse_ok({}), src);
        Report r = w.compute();
        CHECK(r.weight == 25);
        CHECK(r.problems.empty());
        CHECK(r.detail.find("bindings 0/1000") != std::string::npos);
    }
    SECTION("CPU over the last interval, after the first report's since-boot figure") {
        Weigher w(parse_ok({}), src);
        CHECK(w.compute().weight == 25);
        stat.write("cpu  1000 0 0 1000 0 0 0 0 0 0\n");  // the last 1000 ticks all busy
        CHECK(w.compute().weight == 12);                 // (0 + 4) * 100 / 32
        stat.write("cpu  1500 0 0 1500 0 0 0 0 0 0\n");  // then half idle: level 2
        CHECK(w.compute().weight == 18);                 // (2 + 4) * 100 / 32
        CHECK(w.compute().weight == 18);                 // no tick since: the figure is kept
    }
    SECTION("memory at a quarter free") {
        mem.write("MemTotal: 1000 kB\nMemAvailable: 250 kB\n");
        Weigher w(parse_ok({}), src);
        CHECK(w.compute().weight == 15);  // (4 + 1) * 100 / 32
    }
    SECTION("bindings and cps from a stats file") {
        TempFile stats("bindings 500\ncps 50\n", "stats");
        Weigher w(parse_ok({"--stats-file", stats.path}), src);
        Report r = w.compute();
        CHECK(r.weight == 6);  // 500 * 8 * 50 * 100 / (1000 * 32 * 100) = 6.25
        CHECK(r.problems.empty());
        stats.write("bindings 1000\ncps 0\n");
        CHECK(w.compute().weight == 0);  // full
        stats.write("bindings 0\ncps 100\n");
        CHECK(w.compute().weight == 0);  // at its call rate
        stats.write("bindings 5000\ncps 0\n");
        CHECK(w.compute().weight == 0);  // above max: clamped
    }
    SECTION("limits from the options") {
        TempFile stats("bindings 1000\ncps 20\n", "stats");
        Weigher w(parse_ok({"--stats-file", stats.path, "--max-bindings", "2000", "--available-cps",
                            "40", "--max-weight", "1000"}),
                  src);
        CHECK(w.compute().weight == 62);  // 1000 * 8 * 20 * 1000 / (2000 * 32 * 40) = 62.5
    }
    SECTION("a missing stats file counts 0 and 0, with a problem") {
        Weigher w(parse_ok({"--stats-file", "/nonexistent/ha.stats"}), src);
        Report r = w.compute();
        CHECK(r.weight == 25);
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].find("No such file") != std::string::npos);
    }
    SECTION("missing keys and bad values in the stats file are problems, counted as 0") {
        TempFile stats("bindings -3\n", "stats");
        Weigher w(parse_ok({"--stats-file", stats.path}), src);
        Report r = w.compute();
        CHECK(r.weight == 25);
        CHECK(r.problems.size() == 2);  // bad bindings, no cps
    }
    SECTION("a stats command") {
        Weigher w(parse_ok({"--stats-command", "echo bindings 500; echo cps 50"}), src);
        CHECK(w.compute().weight == 6);
        Weigher fails(parse_ok({"--stats-command", "echo bindings 500; echo cps 50; exit 1"}), src);
        Report r = fails.compute();
        CHECK(r.weight == 6);  // its output still counts
        CHECK(r.problems.size() == 1);
        Weigher killed(parse_ok({"--stats-command", "echo bindings 999; kill -9 $$"}), src);
        r = killed.compute();
        CHECK(r.weight == 25);  // no statistics at all
        CHECK(r.problems.size() == 1);
    }
    SECTION("unreadable /proc counts as no free capacity") {
        Weigher w(parse_ok({}), Sources{"/nonexistent/stat", "/nonexistent/meminfo"});
        Report r = w.compute();
        CHECK(r.weight == 0);
        CHECK(r.problems.size() == 2);
    }
    SECTION("the real /proc parses") {
        Weigher w(parse_ok({}));
        CHECK(w.compute().problems.empty());
    }
}

// ---- the wire, as a manager sees it ----

namespace {

// The agent's log lines would bury Catch2's report.
struct QuietLog {
    QuietLog() { set_log_file(nullptr); }
    ~QuietLog() { set_log_file(stderr); }
};

int connect_to(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}

// Steps the agent until `fd` has bytes (or EOF) or `ms` pass; returns what came.
std::vector<uint8_t> pump(Agent& agent, int fd, int ms, bool* eof = nullptr) {
    std::vector<uint8_t> got;
    for (int waited = 0; waited < ms; waited += 10) {
        agent.step(10);
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 0) == 1) {
            uint8_t buf[1024];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                if (eof) *eof = true;
                return got;
            }
            got.insert(got.end(), buf, buf + n);
            return got;
        }
    }
    return got;
}

uint16_t weight_in(const std::vector<uint8_t>& msg, const std::string& password = "") {
    haslb::dfp::Message m;
    REQUIRE(haslb::dfp::decode(msg.data(), msg.size(), m, password) == haslb::dfp::Error::kOk);
    REQUIRE(m.type == haslb::dfp::kPreferenceInfo);
    REQUIRE(m.loads.size() == 1);
    REQUIRE(m.loads[0].hosts.size() == 1);
    return m.loads[0].hosts[0].weight;
}

void send_all(int fd, const std::vector<uint8_t>& b) {
    REQUIRE(send(fd, b.data(), b.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(b.size()));
}

}  // namespace

TEST_CASE("agent: a manager gets Preference Information at once", "[dfp-agent]") {
    Options o = parse_ok({"--static", "25", "--host", "10.0.0.11"});
    o.port = 0;
    QuietLog quiet;
    Weigher w(o);
    Agent agent(o, w);
    std::string err;
    REQUIRE(agent.open(err) == 0);
    REQUIRE(agent.port() != 0);
    int fd = connect_to(agent.port());
    std::vector<uint8_t> got = pump(agent, fd, 1000);
    // protocols.md §1.6, byte for byte.
    const std::vector<uint8_t> want = {0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x02,
                                       0x00, 0x14, 0x01, 0xb2, 0x11, 0x00, 0x00, 0x01, 0x00, 0x00,
                                       0x0a, 0x00, 0x00, 0x0b, 0xff, 0xff, 0x00, 0x19};
    CHECK(got == want);
    CHECK(agent.connected());
    CHECK(agent.interval_s() == 10);

    SECTION("the manager's keep-alive sets the period: 3/4 of it") {
        send_all(fd, haslb::dfp::encode_parameters(1));
        CHECK(pump(agent, fd, 100).empty());
        CHECK(agent.interval_s() == 1);
        std::vector<uint8_t> next = pump(agent, fd, 1500);
        CHECK(next == want);
        send_all(fd, haslb::dfp::encode_parameters(0));  // informational: keep 1 s
        pump(agent, fd, 50);
        CHECK(agent.interval_s() == 1);
        send_all(fd, haslb::dfp::encode_parameters(3600));
        pump(agent, fd, 50);
        CHECK(agent.interval_s() == 60);  // the reference agent's cap
    }
    SECTION("a bad version closes the connection") {
        send_all(fd, {0x02, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x08});
        bool eof = false;
        pump(agent, fd, 500, &eof);
        CHECK(eof);
        CHECK_FALSE(agent.connected());
    }
    SECTION("a framing error closes the connection") {
        send_all(fd, {0x01, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x04});  // length < header
        bool eof = false;
        pump(agent, fd, 500, &eof);
        CHECK(eof);
    }
    SECTION("a new manager connection replaces the old one") {
        int fd2 = connect_to(agent.port());
        CHECK(pump(agent, fd2, 1000) == want);
        bool eof = false;
        pump(agent, fd, 200, &eof);
        CHECK(eof);
        CHECK(agent.connected());
        close(fd2);
    }
    SECTION("the manager going away is noticed") {
        close(fd);
        for (int i = 0; i < 50 && agent.connected(); i++) agent.step(10);
        CHECK_FALSE(agent.connected());
        fd = connect_to(agent.port());  // and the next one is served
        CHECK(pump(agent, fd, 1000) == want);
    }
    close(fd);
}

TEST_CASE("agent: a weight change is sent within a second", "[dfp-agent]") {
    TempFile weight("exit 7\n", "cmd");
    Options o = parse_ok({"--command", "sh " + weight.path});
    o.port = 0;
    QuietLog quiet;
    Weigher w(o);
    Agent agent(o, w);
    std::string err;
    REQUIRE(agent.open(err) == 0);
    int fd = connect_to(agent.port());
    CHECK(weight_in(pump(agent, fd, 1000)) == 7);
    weight.write("exit 42\n");
    CHECK(weight_in(pump(agent, fd, 2000)) == 42);
    close(fd);
}

TEST_CASE("agent: with a password, messages are signed and unsigned ones refused", "[dfp-agent]") {
    Options o = parse_ok({"--static", "9", "--password", "secret", "--key-id", "3"});
    o.port = 0;
    QuietLog quiet;
    Weigher w(o);
    Agent agent(o, w);
    std::string err;
    REQUIRE(agent.open(err) == 0);
    int fd = connect_to(agent.port());
    std::vector<uint8_t> got = pump(agent, fd, 1000);
    CHECK(weight_in(got, "secret") == 9);
    haslb::dfp::Message m;
    REQUIRE(haslb::dfp::decode(got.data(), got.size(), m, "secret") == haslb::dfp::Error::kOk);
    CHECK(m.has_security);
    CHECK(m.key_id == 3);
    CHECK(haslb::dfp::decode(got.data(), got.size(), m, "other") != haslb::dfp::Error::kOk);

    SECTION("signed parameters are taken") {
        send_all(fd, haslb::dfp::encode_parameters(5, "secret", 3));
        pump(agent, fd, 100);
        CHECK(agent.interval_s() == 5);
        CHECK(agent.connected());
    }
    SECTION("unsigned parameters close the connection") {
        send_all(fd, haslb::dfp::encode_parameters(5));
        bool eof = false;
        pump(agent, fd, 500, &eof);
        CHECK(eof);
    }
    SECTION("a wrong password closes the connection") {
        send_all(fd, haslb::dfp::encode_parameters(5, "wrong", 3));
        bool eof = false;
        pump(agent, fd, 500, &eof);
        CHECK(eof);
    }
    close(fd);
}
