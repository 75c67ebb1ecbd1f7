/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snprintf() and vsnprintf() for firmware images, in place of newlib's: newlib-nano's printf
 * family can grow its buffer with realloc(), which would bring in a heap, and is larger than a
 * bootloader can afford. This one knows what the core and the modules print (%d %u %x %s %c %p
 * %%, 0-padding and widths, the l and z sizes) and writes nothing past the buffer it is given.
 * A conversion it does not know prints '?'.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out {
	char *buf;
	size_t cap;
	size_t len; /* what the whole text needs, as the C library counts it */
};

static void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->cap) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void put_str(struct out *o, const char *s)
{
	while (*s != '\0') {
		put_char(o, *s++);
	}
}

static void put_unsigned(struct out *o, unsigned long v, unsigned int base, unsigned int width,
			 char pad)
{
	char digits[sizeof(v) * 8];
	size_t n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (width > n) {
		put_char(o, pad);
		width--;
	}
	while (n > 0) {
		put_char(o, digits[--n]);
	}
}

/* One conversion; f points after the '%'. Returns where the format goes on. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	char pad = ' ';
	unsigned int width = 0;
	bool is_long = false;

	if (*f == '0') {
		pad = '0';
		f++;
	}
	while (*f >= '0' && *f <= '9') {
		width = width * 10 + (unsigned int)(*f++ - '0');
	}
	if (*f == 'l' || *f == 'z') {
		is_long = true; /* long and size_t are one word on this port */
		f++;
	}
	switch (*f) {
	case 'd':
	case 'i': {
		long v = is_long ? va_arg(*ap, long) : va_arg(*ap, int);

		if (v < 0) {
			put_char(o, '-');
		}
		put_unsigned(o, v < 0 ? 0ul - (unsigned long)v : (unsigned long)v, 10, width, pad);
		break;
	}
	case 'u':
	case 'x': {
		unsigned long v = is_long ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);

		put_unsigned(o, v, *f == 'x' ? 16 : 10, width, pad);
		break;
	}
	case 'p':
		put_str(o, "0x");
		put_unsigned(o, (unsigned long)(uintptr_t)va_arg(*ap, void *), 16, 8, '0');
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);

		put_str(o, s != NULL ? s : "(null)");
		break;
	}
	case 'c':
		put_char(o, (char)va_arg(*ap, int));
		break;
	case '%':
		put_char(o, '%');
		break;
	default:
		put_char(o, '?');
		if (*f == '\0') {
			return f;
		}
		break;
	}
	return f + 1;
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .cap = cap, .len = 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			put_char(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &args);
	}
	va_end(args);
	if (cap > 0) {
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	}
	return (int)o.len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
