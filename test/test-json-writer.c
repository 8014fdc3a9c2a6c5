#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "tools/json-writer.h"

static void test_document(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct json j;
	(void)state;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "s", "a\"b\\c\n\x01");
	json_array_begin(&j, "a");
	json_int(&j, NULL, -5);
	json_uint(&j, NULL, 4294967295u);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_end(&j);
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_object_end(&j);
	json_finish(&j);
	fclose(out);
	assert_string_equal(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"a\":[-5,4294967295,{}],"
				 "\"t\":true,\"n\":null}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
