// SPDX-License-Identifier: BSD-3-Clause
// RADIUS counters, declared once (one X-list, one name table), kept by the
// module like lib/dfp keeps its own: every writer is the control lcore
// (relaxed atomics), readers are the console and the telemetry thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace haslb::radius {

// X(identifier, "what it means")
#define HASLB_RADIUS_COUNTERS(X)                                                                \
    X(coa_received, "CoA-Requests accepted for processing (after the checks below)")            \
    X(coa_acked, "CoA-ACKs sent")                                                               \
    X(coa_naked, "CoA-NAKs sent")                                                               \
    X(dm_received, "Disconnect-Requests accepted for processing")                               \
    X(dm_acked, "Disconnect-ACKs sent")                                                         \
    X(dm_naked, "Disconnect-NAKs sent")                                                         \
    X(nak_unsupported_attribute, "NAKs with Error-Cause 401 Unsupported-Attribute")             \
    X(nak_missing_attribute, "NAKs with Error-Cause 402 Missing-Attribute")                     \
    X(nak_nas_mismatch, "NAKs with Error-Cause 403 NAS-Identification-Mismatch")                \
    X(nak_unsupported_service, "NAKs with Error-Cause 405 Unsupported-Service")                 \
    X(nak_invalid_attribute_value, "NAKs with Error-Cause 407 Invalid-Attribute-Value")         \
    X(nak_administratively_prohibited, "NAKs with Error-Cause 501 Administratively-Prohibited") \
    X(nak_session_not_found, "NAKs with Error-Cause 503 Session-Context-Not-Found")             \
    X(nak_session_not_removable, "NAKs with Error-Cause 504 Session-Context-Not-Removable")     \
    X(nak_resources_unavailable, "NAKs with Error-Cause 506 Resources-Unavailable")             \
    X(duplicates, "retransmitted requests answered from the duplicate cache")                   \
    X(discard_malformed, "discarded: not a well-formed RADIUS packet")                          \
    X(discard_unknown_client, "discarded: source address is not a configured client")           \
    X(discard_bad_code, "discarded: not a CoA-Request or Disconnect-Request")                   \
    X(discard_bad_authenticator, "discarded: Request Authenticator wrong (secret)")             \
    X(discard_bad_message_authenticator, "discarded: Message-Authenticator wrong")              \
    X(discard_missing_message_authenticator, "discarded: no Message-Authenticator, required")   \
    X(discard_event_timestamp, "discarded: Event-Timestamp outside the window")                 \
    X(pending_created, "CoAs kept for an NAI without a binding (new-session hotlining)")        \
    X(pending_applied, "kept CoAs that applied when the binding appeared")                      \
    X(pending_expired, "kept CoAs dropped: no binding within pending_timeout")                  \
    X(acct_records, "accounting records created (spooled)")                                     \
    X(acct_starts, "Accounting-Request Start records")                                          \
    X(acct_stops, "Accounting-Request Stop records")                                            \
    X(acct_sent, "Accounting-Requests sent (first transmissions)")                              \
    X(acct_retransmitted, "Accounting-Requests retransmitted")                                  \
    X(acct_failovers, "moves to the next accounting server")                                    \
    X(acct_responses, "Accounting-Responses accepted (record removed from the spool)")          \
    X(acct_bad_responses, "answers discarded: wrong code, identifier, source or authenticator") \
    X(acct_spool_errors, "records that could not be written to the spool")                      \
    X(acct_spool_corrupt, "spool files that did not read back (kept as *.bad)")

enum class Ctr : uint16_t {
#define X(id, desc) id,
    HASLB_RADIUS_COUNTERS(X)
#undef X
        kCount
};
constexpr size_t kCtrCount = size_t(Ctr::kCount);

std::string_view ctr_name(Ctr c);
std::string_view ctr_description(Ctr c);

void count(Ctr c, uint64_t n = 1);  // control lcore
uint64_t counter(Ctr c);            // any thread
void reset_counters();              // tests, `clear mobile traffic`

}  // namespace haslb::radius
