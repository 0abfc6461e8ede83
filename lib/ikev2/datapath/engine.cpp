// SPDX-License-Identifier: BSD-3-Clause
// The non-template parts of the cluster burst engine (engine.hpp).
#include "ikev2/datapath/engine.hpp"

namespace haslb::ikev2::detail {

core::Drop drop_for(Result r) {
    switch (r) {
        case Result::kTruncated:
            return core::Drop::ike_truncated;
        case Result::kBadVersion:
            return core::Drop::ike_bad_version;
        case Result::kBadLength:
            return core::Drop::ike_bad_length;
        case Result::kBadPayload:
            return core::Drop::ike_bad_payload;
        case Result::kBadNotify:
            return core::Drop::ike_bad_notify;
        case Result::kNoNonce:
            return core::Drop::ike_no_nonce;
        case Result::kBadNonce:
            return core::Drop::ike_bad_nonce;
        default:
            return core::Drop::ike_no_session;
    }
}

int pick(const Snapshot& s, uint8_t family) {
    const uint64_t t = g_cluster.ticket->fetch_add(1, std::memory_order_relaxed);
    const int g = choose(s.load, g_cluster.pending, s.nb_gw, s.overload, t, family);
    if (g >= 0) g_cluster.pending[g].fetch_add(1, std::memory_order_relaxed);
    return g;
}

}  // namespace haslb::ikev2::detail
