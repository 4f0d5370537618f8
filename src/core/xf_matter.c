/* Statutory clocks of a matter and the rules of its stages: see xf_matter.h. */
#include "core/xf_matter.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const xf_calendar *calendar(const xf_matter_clock *c)
{
	return c->cal ? c->cal : xf_calendar_default();
}

static xf_clock_state period(const xf_matter_clock *c, int64_t start, int days, int64_t stopped)
{
	xf_clock_state s = {0};
	if (!start)
		return s;
	s.started = true;
	s.start_ms = start;
	s.due_ms = xf_period_end(calendar(c), start, days);
	s.stopped_ms = stopped;
	s.running = !stopped && !c->concluded;
	return s;
}

xf_clock_state xf_matter_clock_state(const xf_matter_clock *c, xf_clock_id id)
{
	switch (id) {
	case XF_CLOCK_ACCEPTANCE:
		return period(c, c->received_ms, XF_ACCEPTANCE_DAYS, c->acceptance_notice_ms);
	case XF_CLOCK_CONCLUSION:
		return period(c, c->accepted ? c->accepted_ms : 0,
		              XF_CONCLUSION_DAYS + c->extension_days, c->answered_ms);
	case XF_CLOCK_REVIEW_REQUEST: {
		xf_clock_state s =
		    period(c, c->answered_ms, XF_REVIEW_DAYS, c->review_requested_ms);
		/* the petitioner's window runs on after the file is closed */
		s.running = s.started && !c->review_requested_ms;
		return s;
	}
	case XF_CLOCK_REVIEW:
		return period(c, c->review_requested_ms, XF_REVIEW_DAYS, c->reviewed_ms);
	case XF_CLOCK_RE_REVIEW_REQUEST: {
		xf_clock_state s =
		    period(c, c->reviewed_ms, XF_REVIEW_DAYS, c->re_review_requested_ms);
		s.running = s.started && !c->re_review_requested_ms;
		return s;
	}
	case XF_CLOCK_RE_REVIEW:
		return period(c, c->re_review_requested_ms, XF_REVIEW_DAYS, c->re_reviewed_ms);
	case XF_CLOCK_COUNT:
		break;
	}
	return (xf_clock_state){0};
}

const char *xf_clock_name(xf_clock_id id)
{
	static const char *const names[] = {"acceptance", "conclusion",        "review_request",
	                                    "review",     "re_review_request", "re_review"};
	return id < XF_CLOCK_COUNT ? names[id] : NULL;
}

const char *xf_clock_article(xf_clock_id id)
{
	static const char *const articles[] = {"22-23", "34", "35", "35", "36", "36"};
	return id < XF_CLOCK_COUNT ? articles[id] : NULL;
}

bool xf_clock_is_duty(xf_clock_id id)
{
	return id == XF_CLOCK_ACCEPTANCE || id == XF_CLOCK_CONCLUSION || id == XF_CLOCK_REVIEW ||
	       id == XF_CLOCK_RE_REVIEW;
}

bool xf_matter_acceptance_due(const xf_matter_clock *c, int64_t *due_ms)
{
	xf_clock_state s = xf_matter_clock_state(c, XF_CLOCK_ACCEPTANCE);
	if (!s.running)
		return false;
	*due_ms = s.due_ms;
	return true;
}

bool xf_matter_conclusion_due(const xf_matter_clock *c, int64_t *due_ms)
{
	xf_clock_state s = xf_matter_clock_state(c, XF_CLOCK_CONCLUSION);
	if (!s.running)
		return false;
	*due_ms = s.due_ms;
	return true;
}

xf_due_kind xf_matter_next_due(const xf_matter_clock *c, int64_t *due_ms)
{
	static const struct {
		xf_clock_id clock;
		xf_due_kind kind;
	} duties[] = {{XF_CLOCK_ACCEPTANCE, XF_DUE_ACCEPTANCE},
	              {XF_CLOCK_CONCLUSION, XF_DUE_CONCLUSION},
	              {XF_CLOCK_REVIEW, XF_DUE_REVIEW},
	              {XF_CLOCK_RE_REVIEW, XF_DUE_RE_REVIEW}};
	xf_due_kind kind = XF_DUE_NONE;
	*due_ms = 0;
	for (size_t i = 0; i < sizeof duties / sizeof duties[0]; i++) {
		xf_clock_state s = xf_matter_clock_state(c, duties[i].clock);
		if (s.running && (kind == XF_DUE_NONE || s.due_ms < *due_ms)) {
			kind = duties[i].kind;
			*due_ms = s.due_ms;
		}
	}
	return kind;
}

const char *xf_due_kind_id(xf_due_kind kind)
{
	switch (kind) {
	case XF_DUE_ACCEPTANCE:
		return "acceptance";
	case XF_DUE_CONCLUSION:
		return "conclusion";
	case XF_DUE_REVIEW:
		return "review";
	case XF_DUE_RE_REVIEW:
		return "re_review";
	case XF_DUE_NONE:
		break;
	}
	return NULL;
}

bool xf_matter_overdue(int64_t due_ms, int64_t now_ms)
{
	return due_ms <= now_ms;
}

int64_t xf_matter_due_until(int64_t now_ms, bool soon, int within_days)
{
	return soon ? xf_beijing_day_end(xf_beijing_day(now_ms) + within_days) : now_ms;
}

int xf_matter_can_extend(const xf_matter_clock *c, int days)
{
	if (days < 1 || days > XF_EXTENSION_MAX_DAYS)
		return XF_ERR;
	if (!c->accepted || c->answered_ms || c->concluded || c->extension_days > 0)
		return XF_CONFLICT;
	return XF_OK;
}

int xf_matter_can_request_review(const xf_matter_clock *c, bool re_review, bool satisfied,
                                 int64_t at_ms, int64_t *due_ms)
{
	xf_clock_state s = xf_matter_clock_state(c, re_review ? XF_CLOCK_RE_REVIEW_REQUEST
	                                                      : XF_CLOCK_REVIEW_REQUEST);
	if (!s.started)
		return XF_CONFLICT;
	*due_ms = s.due_ms;
	if (!s.running || at_ms >= s.due_ms || (!re_review && satisfied))
		return XF_CONFLICT;
	return XF_OK;
}

int xf_matter_can_conclude(const xf_matter_clock *c, bool has_outcome, const char **why)
{
	*why = !c->accepted      ? "not_accepted"
	       : !has_outcome    ? "no_outcome"
	       : !c->answered_ms ? "no_answer"
	                         : NULL;
	return *why ? XF_CONFLICT : XF_OK;
}

/* The code point at *s (advancing it), or -1 at the end; bad bytes count as themselves. */
static long next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	if (!*p)
		return -1;
	long cp = *p;
	int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
	if (extra)
		cp &= 0x3f >> extra;
	p++;
	for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++)
		cp = (cp << 6) | (*p++ & 0x3f);
	*s = p;
	return cp;
}

/* Letters, digits and CJK only, as code points; returns the count. */
static size_t normalise(const char *text, long *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t n = 0;
	long cp;
	while ((cp = next_cp(&p)) >= 0 && n < max) {
		bool ascii_word = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		                  (cp >= 'A' && cp <= 'Z');
		bool cjk = (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff);
		if (ascii_word || cjk)
			out[n++] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	}
	return n;
}

static bool contains(const long *hay, size_t nh, const long *needle, size_t nn)
{
	for (size_t i = 0; i + nn <= nh; i++)
		if (memcmp(hay + i, needle, nn * sizeof *needle) == 0)
			return true;
	return false;
}

bool xf_matter_similar(const char *a, const char *b)
{
	enum { MAX = 2000 };
	long *x = malloc(MAX * sizeof *x), *y = malloc(MAX * sizeof *y);
	size_t nx = normalise(a, x, MAX), ny = normalise(b, y, MAX);
	bool same;
	if (nx == ny)
		same = nx > 0 && memcmp(x, y, nx * sizeof *x) == 0;
	else if (nx < ny)
		same = nx >= 4 && contains(y, ny, x, nx);
	else
		same = ny >= 4 && contains(x, nx, y, ny);
	free(x);
	free(y);
	return same;
}
