// Tollgate — CRE2: a small C interface to Debian's RE2 (libre2), for Model's AnchoredRegex.
//
// Patterns are compiled in RE2's default (Perl-like) syntax, UTF-8, with `.` matching a
// newline, and matched against the whole text, as Prometheus compiles `^(?s:re)$` with Go.
// A compiled pattern is immutable and may be matched from any thread at once.

#ifndef TOLLGATE_CRE2_SHIM_H
#define TOLLGATE_CRE2_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled pattern; free it with `tg_re2_free`.
typedef struct tg_re2 tg_re2;

/// Compiles `pattern` (`len` bytes of UTF-8).
/// On failure returns NULL, stores RE2's error code (RE2::ErrorCode, never 0) in `*error_code`
/// and copies the offending fragment RE2 reports (at most `error_arg_capacity - 1` bytes,
/// NUL-terminated) into `error_arg`; the fragment's full length goes to `*error_arg_length`.
tg_re2 *tg_re2_compile(const char *pattern, size_t len, int *error_code, char *error_arg,
                       size_t error_arg_capacity, size_t *error_arg_length);

/// Whether the whole of `text` (`len` bytes) matches: 1 or 0.
int tg_re2_full_match(const tg_re2 *re, const char *text, size_t len);

/// Matches the whole of `text` and stores the byte offsets of groups 0..<ngroups as
/// start/end pairs in `offsets` (2 * ngroups entries); -1, -1 for a group that took no part.
/// Returns 1 on a match, 0 otherwise (offsets untouched).
int tg_re2_full_match_groups(const tg_re2 *re, const char *text, size_t len, ptrdiff_t *offsets, int ngroups);

/// Searches `text` (`len` bytes) for the leftmost-first match starting at byte `start` or later,
/// unanchored, as Go's `Regexp.FindStringSubmatchIndex` does from a position (`^` and `\b`
/// still see the text before `start`). Stores group offsets as `tg_re2_full_match_groups`
/// does. Returns 1 on a match, 0 otherwise.
int tg_re2_search(const tg_re2 *re, const char *text, size_t len, size_t start, ptrdiff_t *offsets, int ngroups);

/// The number of capturing groups, not counting group 0.
int tg_re2_group_count(const tg_re2 *re);

/// The name of capturing group `index` (1-based), or NULL when it has none.
/// The string lives as long as `re`.
const char *tg_re2_group_name(const tg_re2 *re, int index);

/// Frees a compiled pattern (NULL is allowed).
void tg_re2_free(tg_re2 *re);

#ifdef __cplusplus
}
#endif

#endif
