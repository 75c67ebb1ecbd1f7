/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The packet pool and the receive queue: requests leave the last buffer for the answer, so every
 * request taken is answered; the discard operation, smpdfu_smp_rx_discard(): which units go (the
 * transport, then the caller's predicate), that the others keep their order, that the queue's two
 * ends stay right for what is queued afterwards, and that every discarded buffer is back in the
 * pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/smp.h>

#include "test_device.h"

#define MAX_ANSWERS 16

/* What the two transports were asked to send, in order: who, and the request's sequence number. */
static struct answer {
	const struct smpdfu_smp_transport *tp;
	uint8_t seq;
} answers[MAX_ANSWERS];
static size_t answer_count;
static unsigned int match_calls;

/* Buffers a transport got while an answer was being sent (receiving in another context). */
static size_t taken_while_answering;
static struct smp_buf *taken[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
static bool take_while_answering;

static int record_send(struct smpdfu_smp_transport *tp, const uint8_t *peer, const uint8_t *data,
		       size_t len)
{
	(void)peer;
	while (take_while_answering &&
	       (taken[taken_while_answering] = smpdfu_smp_buf_alloc()) != NULL) {
		taken_while_answering++;
	}
	assert_true(len >= SMP_HDR_SIZE);
	assert_true(answer_count < MAX_ANSWERS);
	answers[answer_count++] = (struct answer){ .tp = tp, .seq = data[6] };
	return 0;
}

static struct smpdfu_smp_transport tp_a = { .name = "a", .kind = SMP_TRANSPORT_OTHER,
				     .send = record_send };
static struct smpdfu_smp_transport tp_b = { .name = "b", .kind = SMP_TRANSPORT_OTHER,
				     .send = record_send };

static int setup(void **state)
{
	(void)state;
	test_device_init(SMP_TRANSPORT_OTHER);
	answer_count = 0;
	match_calls = 0;
	taken_while_answering = 0;
	take_while_answering = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	while (smpdfu_smp_rx_process_one()) {
	}
	test_device_deinit();
	return 0;
}

/* Queues an echo with sequence number seq from `peer_id` on tp, without processing it. */
static void queue(struct smpdfu_smp_transport *tp, uint8_t peer_id, uint8_t seq)
{
	static const uint8_t echo[] = { 0x0a, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
					0xa1, 0x61, 0x64, 0x62, 0x68, 0x6f };
	struct smp_buf *b = smpdfu_smp_buf_alloc();

	assert_non_null(b);
	memcpy(b->data, echo, sizeof(echo));
	b->data[6] = seq;
	b->len = sizeof(echo);
	memset(smpdfu_smp_buf_peer(b), 0, SMP_PEER_ADDR_SIZE);
	smpdfu_smp_buf_peer(b)[0] = peer_id;
	b->tp = tp;
	smpdfu_smp_rx_submit(b);
}

/*
 * Processes the whole queue and checks that it answered exactly `seqs` from `tps`, in order, and
 * that the pool is full again but for `held` buffers the test took.
 */
static void expect_processed_holding(const struct smpdfu_smp_transport *const *tps,
				     const uint8_t *seqs, size_t n, size_t held)
{
	answer_count = 0;
	while (smpdfu_smp_rx_process_one()) {
	}
	assert_int_equal(answer_count, n);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(answers[i].tp, tps[i]);
		assert_int_equal(answers[i].seq, seqs[i]);
	}
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - held);
}

static void expect_processed(const struct smpdfu_smp_transport *const *tps, const uint8_t *seqs,
			     size_t n)
{
	expect_processed_holding(tps, seqs, n, 0);
}

static bool peer_is(const struct smp_buf *b, void *arg)
{
	match_calls++;
	/* Only the given transport's units are offered. */
	assert_ptr_equal(b->tp, &tp_a);
	return smpdfu_smp_buf_peer((struct smp_buf *)b)[0] == *(const uint8_t *)arg;
}

static bool never(const struct smp_buf *b, void *arg)
{
	(void)b;
	(void)arg;
	match_calls++;
	return false;
}

/* Three requests queued and an answer: four buffers. */
static void needs_four_buffers(void)
{
	if (CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT < 4) {
		skip();
	}
}

static void requests_leave_the_last_buffer_for_the_answer(void **state)
{
	const struct smpdfu_smp_transport *tps[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
	uint8_t seqs[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
	const size_t window = CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1;

	(void)state;
	for (size_t i = 0; i < window; i++) {
		queue(&tp_a, 0, (uint8_t)i);
		tps[i] = &tp_a;
		seqs[i] = (uint8_t)i;
	}
	/* A client one over the window of buf_count - 1 finds no buffer... */
	assert_int_equal(smpdfu_smp_buf_free_count(), 1);
	assert_null(smpdfu_smp_buf_alloc());
	/* ...and every request that got one is answered, in a buffer of the same pool. */
	expect_processed(tps, seqs, window);
}

static void requests_may_take_every_buffer_the_answer_does_not_hold(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_a };
	const uint8_t seqs[] = { 7 };

	(void)state;
	/* A transport receiving while an answer goes out (an interrupt, another thread). */
	queue(&tp_a, 0, 7);
	take_while_answering = true;
	expect_processed_holding(tps, seqs, 1, CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 2);
	assert_int_equal(taken_while_answering, CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 2);
	for (size_t i = 0; i < taken_while_answering; i++) {
		smpdfu_smp_buf_free(taken[i]);
	}
	/* With the answer gone, the last buffer is kept for the next one again. */
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	take_while_answering = false;
	for (size_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		assert_non_null(taken[i] = smpdfu_smp_buf_alloc());
	}
	assert_null(smpdfu_smp_buf_alloc());
	for (size_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		smpdfu_smp_buf_free(taken[i]);
	}
}

static void discard_by_transport_keeps_the_others_in_order(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_b, &tp_b };
	const uint8_t seqs[] = { 1, 3 };

	(void)state;
	needs_four_buffers();
	queue(&tp_b, 0, 1);
	queue(&tp_a, 0, 2);
	queue(&tp_b, 0, 3);
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, NULL, NULL), 1);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 2);
	expect_processed(tps, seqs, 2);
}

static void discard_by_predicate_asks_only_for_the_transport(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_a, &tp_b };
	const uint8_t seqs[] = { 2, 3 };
	uint8_t gone = 1;

	(void)state;
	needs_four_buffers();
	queue(&tp_a, 1, 1);
	queue(&tp_a, 2, 2);
	queue(&tp_b, 1, 3); /* the same peer bytes on another transport are another client */
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, peer_is, &gone), 1);
	assert_int_equal(match_calls, 2);
	expect_processed(tps, seqs, 2);
}

static void discarded_ends_leave_a_working_queue(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_b, &tp_a, &tp_b };
	const uint8_t seqs[] = { 2, 5, 6 };

	(void)state;
	needs_four_buffers();
	/* The head and the tail go; what is queued next lines up behind the survivor. */
	queue(&tp_a, 0, 1);
	queue(&tp_b, 0, 2);
	queue(&tp_a, 0, 3);
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, NULL, NULL), 2);
	queue(&tp_a, 0, 5);
	queue(&tp_b, 0, 6);
	expect_processed(tps, seqs, 3);
}

static void discarding_everything_empties_the_queue(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_a };
	const uint8_t seqs[] = { 9 };

	(void)state;
	for (uint8_t i = 0; i < CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1; i++) {
		queue(&tp_a, 0, i);
	}
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, NULL, NULL),
			 CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT - 1);
	assert_int_equal(smpdfu_smp_buf_free_count(), CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT);
	assert_false(smpdfu_smp_rx_process_one());
	queue(&tp_a, 0, 9);
	expect_processed(tps, seqs, 1);
}

static void nothing_to_discard(void **state)
{
	const struct smpdfu_smp_transport *tps[] = { &tp_b, &tp_b };
	const uint8_t seqs[] = { 1, 2 };

	(void)state;
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, NULL, NULL), 0);
	queue(&tp_b, 0, 1);
	queue(&tp_b, 0, 2);
	assert_int_equal(smpdfu_smp_rx_discard(&tp_a, NULL, NULL), 0);
	assert_int_equal(smpdfu_smp_rx_discard(&tp_b, never, NULL), 0);
	assert_int_equal(match_calls, 2);
	expect_processed(tps, seqs, 2);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(requests_leave_the_last_buffer_for_the_answer),
		T(requests_may_take_every_buffer_the_answer_does_not_hold),
		T(discard_by_transport_keeps_the_others_in_order),
		T(discard_by_predicate_asks_only_for_the_transport),
		T(discarded_ends_leave_a_working_queue),
		T(discarding_everything_empties_the_queue),
		T(nothing_to_discard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
