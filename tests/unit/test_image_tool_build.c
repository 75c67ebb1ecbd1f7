/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image tool's option parsers (tools/image/image_build.c) against imgtool's grammar: a version
 * is maj[.min[.rev[+build]]], the build number only after the revision (imgtool's version.py
 * refuses "1+5" and "1.2+5"), every part decimal without leading zeros and within its header
 * field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image_build.h"

static void accepts(const char *s, uint8_t major, uint8_t minor, uint16_t revision,
		    uint32_t build)
{
	struct smpdfu_image_version v;

	assert_int_equal(image_parse_version(s, &v), 0);
	assert_int_equal(v.major, major);
	assert_int_equal(v.minor, minor);
	assert_int_equal(v.revision, revision);
	assert_int_equal(v.build_num, build);
}

static void refuses(const char *s)
{
	struct smpdfu_image_version v;

	if (image_parse_version(s, &v) != -EINVAL) {
		fail_msg("version '%s' was accepted", s);
	}
}

static void test_versions_imgtool_accepts(void **state)
{
	(void)state;
	accepts("1", 1, 0, 0, 0);
	accepts("1.2", 1, 2, 0, 0);
	accepts("1.2.3", 1, 2, 3, 0);
	accepts("1.2.3+4", 1, 2, 3, 4);
	accepts("255.255.65535+4294967295", 255, 255, 65535, 4294967295u);
	accepts("0.0.0+0", 0, 0, 0, 0);
}

static void test_build_number_only_after_the_revision(void **state)
{
	(void)state;
	/* imgtool's pattern has "+build" only inside the revision's group. */
	refuses("1+5");
	refuses("1.2+5");
	refuses("0+0");
}

static void test_versions_imgtool_refuses(void **state)
{
	(void)state;
	refuses("");
	refuses("1.");
	refuses("1..2");
	refuses("1.2.3.4");
	refuses("1.2.3+");
	refuses("1.2.3+4+5");
	refuses("+1");
	refuses("1.2.3+0x5");
	refuses("256.0.0");
	refuses("1.256.0");
	refuses("1.2.65536");
	refuses("1.2.3+4294967296");
	refuses("1.2.3 ");
	/* imgtool's parts have no leading zeros (its own example "0.0.0+00" fails its pattern). */
	refuses("01.2.3");
	refuses("1.02.3");
	refuses("1.2.03");
	refuses("0.0.0+00");
}

static void test_dependency_versions_follow_the_same_grammar(void **state)
{
	struct image_build_opts o = { 0 };

	(void)state;
	assert_int_equal(image_parse_dependencies("(1,2.0.0+0)", &o), 0);
	assert_int_equal(o.dep_count, 1);
	assert_int_equal(o.deps[0].image_id, 1);
	assert_int_equal(o.deps[0].version.major, 2);
	assert_int_equal(image_parse_dependencies("(1,2+3)", &o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions_imgtool_accepts),
		cmocka_unit_test(test_build_number_only_after_the_revision),
		cmocka_unit_test(test_versions_imgtool_refuses),
		cmocka_unit_test(test_dependency_versions_follow_the_same_grammar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
