/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An allocation-free CBOR codec with just what SMP needs: a writer into a caller-owned buffer and a
 * declarative map decoder that returns views into the input. Nothing here recurses; nesting depth
 * is bounded by CONFIG_SMPDFU_CBOR_MAX_DEPTH.
 */
#ifndef SMPDFU_CBOR_H
#define SMPDFU_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A run of bytes inside a buffer the caller owns (text strings are not NUL-terminated). */
struct cbor_view {
	const uint8_t *ptr;
	size_t len;
};

/* ---- Writer ---------------------------------------------------------------------------------- */

/*
 * Appends to buf[0..cap). Every put_* returns true while everything fitted; after the first item
 * that did not fit the writer is "overflowed", writes nothing more and keeps returning false, so a
 * caller may put a whole response and check once.
 */
struct cbor_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

static inline void smpdfu_cbor_writer_init(struct cbor_writer *w, uint8_t *buf, size_t cap)
{
	*w = (struct cbor_writer){ .buf = buf, .cap = cap };
}

bool smpdfu_cbor_put_uint(struct cbor_writer *w, uint64_t v);
bool smpdfu_cbor_put_int(struct cbor_writer *w, int64_t v);
bool smpdfu_cbor_put_bool(struct cbor_writer *w, bool v);
bool smpdfu_cbor_put_null(struct cbor_writer *w);
bool smpdfu_cbor_put_bstr(struct cbor_writer *w, const void *data, size_t len);
bool smpdfu_cbor_put_tstr(struct cbor_writer *w, const char *s, size_t len);
/* A NUL-terminated text string, typically a literal map key. */
bool smpdfu_cbor_put_cstr(struct cbor_writer *w, const char *s);
bool smpdfu_cbor_put_map(struct cbor_writer *w, size_t pairs);  /* definite map header */
bool smpdfu_cbor_put_array(struct cbor_writer *w, size_t items); /* definite array header */
bool smpdfu_cbor_put_map_indef(struct cbor_writer *w);           /* 0xBF */
bool smpdfu_cbor_put_array_indef(struct cbor_writer *w);         /* 0x9F */
bool smpdfu_cbor_put_break(struct cbor_writer *w);               /* 0xFF */
/* Bytes a CBOR head with this argument takes (1, 2, 3, 5 or 9), whatever its major type. */
size_t smpdfu_cbor_head_size(uint64_t v);

/* ---- Reader ---------------------------------------------------------------------------------- */

/* One data item head as read by smpdfu_cbor_read(); the first eight are the major types. */
enum cbor_type {
	CBOR_TYPE_UINT,
	CBOR_TYPE_NINT,  /* value in .i */
	CBOR_TYPE_BSTR,  /* bytes in .v (definite length only) */
	CBOR_TYPE_TSTR,  /* text in .v (definite length only) */
	CBOR_TYPE_ARRAY, /* .count items follow, or until a break when .indefinite */
	CBOR_TYPE_MAP,   /* .count pairs follow, or until a break when .indefinite */
	CBOR_TYPE_TAG,   /* tag number in .u; the tagged item follows */
	CBOR_TYPE_SIMPLE, /* other simple values (0xE0..0xF3, 0xF8 xx), the number in .u */
	CBOR_TYPE_BOOL,  /* .b */
	CBOR_TYPE_NULL,
	CBOR_TYPE_UNDEFINED,
	CBOR_TYPE_FLOAT, /* half/single/double: skipped over, value not decoded (raw bits in .u) */
	CBOR_TYPE_BREAK, /* 0xFF, ends an indefinite container */
};

struct cbor_item {
	enum cbor_type type;
	bool indefinite;
	uint64_t u;     /* UINT value, NINT n, TAG number, container count, string length */
	int64_t i; /* NINT value (-1 - n); -EOVERFLOW from smpdfu_cbor_read() if it does not fit */
	bool b;
	struct cbor_view v;
};

/* A pull reader over buf[0..len): reads one item head at a time. */
struct cbor_reader {
	const uint8_t *p;
	const uint8_t *end;
};

static inline void smpdfu_cbor_reader_init(struct cbor_reader *r, const uint8_t *buf, size_t len)
{
	/* Adding 0 to a null pointer is undefined in C, and callers may pass (NULL, 0). */
	*r = (struct cbor_reader){ .p = buf, .end = len > 0 ? buf + len : buf };
}

/* Bytes not read yet. */
size_t smpdfu_cbor_reader_remaining(const struct cbor_reader *r);
/*
 * Reads the next item head (strings whole, containers only their head). Returns 0, -ENODATA at the
 * end of the input, or -EINVAL for a truncated or malformed item (indefinite strings, reserved
 * additional info, a string longer than the input, a container count the input cannot hold); the
 * reader does not move on these. -EOVERFLOW for a negative integer below INT64_MIN: that item is
 * well formed and has been consumed (.type is NINT, .u holds n), so a caller may carry on.
 * Non-shortest heads are accepted. A break (0xFF) is returned as CBOR_TYPE_BREAK wherever it is:
 * whether it is allowed there is the caller's business.
 */
int smpdfu_cbor_read(struct cbor_reader *r, struct cbor_item *it);
/*
 * Skips what is left of an item whose head was just read (a container's members, the item after a
 * tag; nothing for scalars), iteratively and at most CONFIG_SMPDFU_CBOR_MAX_DEPTH deep: the head's
 * own container is level 1, tags take no level. Returns 0 or -EINVAL (malformed or truncated, a
 * break inside a definite container, an indefinite map ending after a key, nesting too deep).
 */
int smpdfu_cbor_skip_rest(struct cbor_reader *r, const struct cbor_item *head);

/*
 * What a map field accepts. BOOL_OR_UINT takes true/false or an unsigned integer (0 = false). A
 * kind is the first char of its field in a field list (CBOR_FIELD_*), so none is 0, and each
 * value is spelt as the char its CBOR_FIELD_* macro writes.
 */
enum cbor_kind {
	CBOR_KIND_UINT = '\1',
	/* An unsigned integer that fits 32 bits, as Zephyr's handlers decode theirs. */
	CBOR_KIND_UINT32 = '\2',
	CBOR_KIND_INT = '\3',
	CBOR_KIND_BOOL = '\4',
	CBOR_KIND_BOOL_OR_UINT = '\5',
	CBOR_KIND_TSTR = '\6',
	CBOR_KIND_BSTR = '\7',
	/*
	 * A bstr, or null (clients send nil hashes), whose value is an empty view with no bytes
	 * (ptr NULL), as a caller's default for an absent one is.
	 */
	CBOR_KIND_BSTR_OR_NULL = '\10',
};

/*
 * A request's fields are one constant string: for each field its kind as a char, then its key and
 * a NUL; an empty field (the string's own NUL) ends the list. Field k's value goes to out[k].
 * One string holds what a table of key pointers, kinds and offsets would, in a third of the bytes.
 */
#define CBOR_FIELD(kind, key) kind key "\0"
#define CBOR_FIELD_UINT(key) CBOR_FIELD("\1", key)
#define CBOR_FIELD_UINT32(key) CBOR_FIELD("\2", key)
#define CBOR_FIELD_INT(key) CBOR_FIELD("\3", key)
#define CBOR_FIELD_BOOL(key) CBOR_FIELD("\4", key)
#define CBOR_FIELD_BOOL_OR_UINT(key) CBOR_FIELD("\5", key)
#define CBOR_FIELD_TSTR(key) CBOR_FIELD("\6", key)
#define CBOR_FIELD_BSTR(key) CBOR_FIELD("\7", key)
#define CBOR_FIELD_BSTR_OR_NULL(key) CBOR_FIELD("\10", key)

/* A field's value, in the member of its kind: the view first, so that { 0 } clears them all. */
union cbor_value {
	struct cbor_view v; /* TSTR, BSTR, BSTR_OR_NULL */
	uint64_t u;         /* UINT */
	uint32_t u32;       /* UINT32 */
	int64_t i;          /* INT */
	bool b;             /* BOOL, BOOL_OR_UINT */
};

/* The bit of field k in the set of fields found. */
#define CBOR_FOUND(k) (1u << (k))

/*
 * Decodes the map (definite or indefinite, keys in any order) at the start of *in into out[k] for
 * each field k of the list `fields` (at most 31); bytes after the map are not looked at, as
 * Zephyr's decoder does not look at them.
 * Known keys (matched byte for byte) are stored in their field's member of out[k]; unknown keys
 * and their values are skipped, nesting up to CONFIG_SMPDFU_CBOR_MAX_DEPTH levels with the map
 * itself as level 1.
 * An empty buffer is no map (-EINVAL): a command that takes a map needs at least {}, as MCUmgr
 * answers rc 3 to a zero-length payload there.
 * Returns the set of fields present, CBOR_FOUND(k) for each (>= 0), whose out[k] are written and
 * the others untouched; or -EINVAL for: not a map, truncated or malformed item, a key that is not
 * a text string, a known key given twice, a value of the wrong kind (tagged values included), an
 * INT outside int64_t, a UINT32 above UINT32_MAX, nesting too deep. On error values may have been
 * written: treat an error as "nothing decoded". Views point into the input.
 */
int smpdfu_cbor_decode_map(const struct cbor_view *in, const char *fields, union cbor_value *out);

/* True when p[0..n) holds exactly the text of the NUL-terminated string s. */
bool smpdfu_cbor_text_eq(const uint8_t *p, size_t n, const char *s);

/*
 * True when view holds exactly the text of the NUL-terminated string s. Inline, so that the view
 * goes over as its two words: a function taking it whole has GCC store it on the stack first.
 */
static inline bool smpdfu_cbor_view_eq(struct cbor_view v, const char *s)
{
	return smpdfu_cbor_text_eq(v.ptr, v.len, s);
}

#endif /* SMPDFU_CBOR_H */
