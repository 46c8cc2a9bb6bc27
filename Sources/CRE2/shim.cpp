// Tollgate — CRE2: the C interface to RE2 declared in include/cre2_shim.h.

#include "cre2_shim.h"

#include <re2/re2.h>

#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct tg_re2 {
    explicit tg_re2(const re2::StringPiece &pattern, const RE2::Options &options) : re(pattern, options) {}
    RE2 re;
};

namespace {

RE2::Options goOptions() {
    RE2::Options options;  // UTF-8, Perl classes, word boundaries, leftmost-first
    options.set_log_errors(false);
    options.set_dot_nl(true);  // Prometheus compiles `(?s:re)`
    options.set_never_capture(false);
    return options;
}

// RE2 treats a NULL data pointer as "no match" for a group: give empty texts a real address.
const char *nonNull(const char *text) { return text == nullptr ? "" : text; }

}  // namespace

extern "C" {

tg_re2 *tg_re2_compile(const char *pattern, size_t len, int *error_code, char *error_arg,
                       size_t error_arg_capacity, size_t *error_arg_length) {
    std::unique_ptr<tg_re2> compiled(new (std::nothrow) tg_re2(re2::StringPiece(nonNull(pattern), len), goOptions()));
    if (compiled == nullptr) {
        *error_code = RE2::ErrorInternal;
        *error_arg_length = 0;
        if (error_arg_capacity > 0) error_arg[0] = '\0';
        return nullptr;
    }
    if (compiled->re.ok()) return compiled.release();
    *error_code = compiled->re.error_code() == RE2::NoError ? RE2::ErrorInternal : compiled->re.error_code();
    const std::string &arg = compiled->re.error_arg();
    *error_arg_length = arg.size();
    if (error_arg_capacity > 0) {
        size_t n = arg.size() < error_arg_capacity - 1 ? arg.size() : error_arg_capacity - 1;
        std::memcpy(error_arg, arg.data(), n);
        error_arg[n] = '\0';
    }
    return nullptr;
}

int tg_re2_full_match(const tg_re2 *re, const char *text, size_t len) {
    return re->re.Match(re2::StringPiece(nonNull(text), len), 0, len, RE2::ANCHOR_BOTH, nullptr, 0) ? 1 : 0;
}

int tg_re2_full_match_groups(const tg_re2 *re, const char *text, size_t len, ptrdiff_t *offsets, int ngroups) {
    if (ngroups <= 0) return tg_re2_full_match(re, text, len);
    const char *base = nonNull(text);
    re2::StringPiece small[16];
    std::vector<re2::StringPiece> large;
    re2::StringPiece *groups = small;
    if (ngroups > 16) {
        large.resize(static_cast<size_t>(ngroups));
        groups = large.data();
    }
    if (!re->re.Match(re2::StringPiece(base, len), 0, len, RE2::ANCHOR_BOTH, groups, ngroups)) return 0;
    for (int i = 0; i < ngroups; i++) {
        if (groups[i].data() == nullptr) {
            offsets[2 * i] = -1;
            offsets[2 * i + 1] = -1;
        } else {
            offsets[2 * i] = groups[i].data() - base;
            offsets[2 * i + 1] = groups[i].data() - base + static_cast<ptrdiff_t>(groups[i].size());
        }
    }
    return 1;
}

int tg_re2_search(const tg_re2 *re, const char *text, size_t len, size_t start, ptrdiff_t *offsets, int ngroups) {
    const char *base = nonNull(text);
    if (start > len) return 0;
    int n = ngroups < 1 ? 1 : ngroups;
    re2::StringPiece small[16];
    std::vector<re2::StringPiece> large;
    re2::StringPiece *groups = small;
    if (n > 16) {
        large.resize(static_cast<size_t>(n));
        groups = large.data();
    }
    if (!re->re.Match(re2::StringPiece(base, len), start, len, RE2::UNANCHORED, groups, n)) return 0;
    for (int i = 0; i < n && i < ngroups; i++) {
        if (groups[i].data() == nullptr) {
            offsets[2 * i] = -1;
            offsets[2 * i + 1] = -1;
        } else {
            offsets[2 * i] = groups[i].data() - base;
            offsets[2 * i + 1] = groups[i].data() - base + static_cast<ptrdiff_t>(groups[i].size());
        }
    }
    return 1;
}

int tg_re2_group_count(const tg_re2 *re) { return re->re.NumberOfCapturingGroups(); }

const char *tg_re2_group_name(const tg_re2 *re, int index) {
    const std::map<int, std::string> &names = re->re.CapturingGroupNames();
    auto found = names.find(index);
    return found == names.end() ? nullptr : found->second.c_str();
}

void tg_re2_free(tg_re2 *re) { delete re; }

}  // extern "C"
