/* bench/search/searchbench.c — the full-text search benchmark program (see README.md
 * beside it; bench/search/run compiles it against build/libxfcore.a and prints the
 * table).
 *
 *   searchbench DB RECORDS QUERIES EXACT_QUERIES
 *
 * 1. Builds an index of RECORDS documents of petition-like Chinese text, generated
 *    from word lists with a fixed-seed PRNG (the same text on every run), through
 *    xf_search_put in transactions of 10,000 documents, into a new database DB
 *    opened with xf_store_open (WAL, synchronous=FULL, as the server runs).
 * 2. Runs QUERIES queries of each class (one common character, one character, two,
 *    four, a name and an issue, two issues) through xf_search_query with limit 20, and the
 * one-character classes again with limit 100 (what GET /search asks of the index for 20 hits).
 * 3. Runs EXACT_QUERIES one-character queries with the rank window off (every match
 *    ranked: what FTS5's bm25() ordering costs), to show why the window exists.
 * Prints key=value lines on stdout; progress on stderr. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/xf_search.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "xfbench.h"
#include "xfbench_store.h"

#define BATCH 10000

/* ---- deterministic text ---- */

static uint64_t rng_state = 0x5eed2026c0a1f00dULL;

static uint64_t rng(void)
{
	return xfb_splitmix64(&rng_state);
}

static size_t pick(size_t n)
{
	return (size_t)(rng() % n);
}

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define ANY(a) (a)[pick(N(a))]

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
};
static const char *const given[] = {
    "建国", "伟",   "芳",   "秀英", "敏",   "静",   "丽",   "强",   "磊",   "军",   "洋",   "勇",
    "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀兰", "霞",   "平",   "刚",   "桂英", "玉兰",
    "志强", "海燕", "建华", "建军", "国强", "红梅", "振华", "德明", "文斌", "春生", "长青", "福贵",
    "玉珍", "淑芬", "金山", "保国", "永红", "立新", "卫东", "向阳", "铁柱", "二虎", "满仓", "来福",
};
static const char *const units[] = {
    "综采一队", "综采二队", "综采三队",   "掘进一队",     "掘进二队",     "掘进三队",
    "机电科",   "运输队",   "通风科",     "选煤厂",       "后勤服务中心", "安全监察处",
    "洗煤厂",   "供应科",   "矿长办公室", "保卫科",       "人力资源部",   "财务科",
    "地测科",   "调度室",   "机修厂",     "开拓队",       "准备队",       "救护队",
    "物业公司", "职工医院", "子弟学校",   "劳动服务公司",
};
static const char *const places[] = {
    "矿办公楼门前", "矿大门口",     "集团公司信访接待室",
    "市信访局",     "省信访局",     "副井口",
    "主井口",       "职工食堂",     "家属区广场",
    "调度室门口",   "区政府门前",   "集团公司办公楼",
    "矿工会",       "职工活动中心", "国家信访局",
};
static const char *const issues[] = {
    "拖欠工资", "工伤认定", "安置补偿",   "退休待遇", "医疗报销", "住房分配",   "棚户改造",
    "养老保险", "井下津贴", "内退待遇",   "集资返还", "子女就业", "职业病鉴定", "尘肺病治疗",
    "伤残补助", "拆迁补偿", "沉陷区治理", "征地补偿", "劳动合同", "社保缴纳",   "取暖补贴",
    "工龄认定", "身份置换", "企业改制",   "绩效考核", "夜班补助", "采暖费用",   "遗属补助",
    "抚恤待遇", "工资调整", "岗位调整",   "停产放假", "买断工龄", "农民工工资",
};
static const char *const demands[] = {
    "尽快补发拖欠工资", "落实相关政策",     "给予合理补偿", "依法依规解决", "给予书面答复",
    "重新进行鉴定",     "追究相关人员责任", "安排子女就业", "解决住房困难", "报销医疗费用",
    "恢复原工作岗位",   "提高退休待遇",     "公开处理结果", "兑现承诺",     "补缴养老保险",
    "按标准发放补贴",   "组织专家复查",     "领导当面答复",
};
static const char *const details[] = {
    "多次反映未果",         "情绪较为激动",         "称已向上级部门反映", "对答复不满意",
    "家庭生活困难",         "提供了相关证明材料",   "诉求基本合理",       "部分诉求缺乏政策依据",
    "涉及人员较多",         "有进京上访苗头",       "已签订协议但未兑现", "长期未得到解决",
    "曾多次到集团公司上访", "要求与矿领导直接对话", "情绪已基本稳定",
};
static const char *const situations[] = {
    "秩序基本正常", "有人拉横幅",     "围堵大门",   "情绪激动",         "拒绝离开",
    "有人录像",     "部分人员已劝返", "无过激行为", "聚集人数有所增加",
};
static const char *const works[] = {"疏导", "劝返", "解释", "稳控", "教育引导", "协调"};
static const char *const progress[] = {
    "思想稳定",       "诉求已部分解决",   "表示不再上访",   "仍有不满情绪",
    "已办理相关手续", "等待集团公司答复", "已落实帮扶措施", "约定下次走访时间",
};
static const char *const roles[] = {"职工", "退休职工", "家属", "协议工", "内退人员", "班组长"};

typedef struct text {
	char s[2048];
	size_t n;
} text;

static void add(text *t, const char *s)
{
	size_t k = strlen(s);
	if (t->n + k + 1 < sizeof t->s) {
		memcpy(t->s + t->n, s, k);
		t->n += k;
		t->s[t->n] = '\0';
	}
}

static void addf(text *t, const char *fmt, long a, long b, long c)
{
	char buf[64];
	snprintf(buf, sizeof buf, fmt, a, b, c);
	add(t, buf);
}

static void name(text *t)
{
	add(t, ANY(surnames));
	add(t, ANY(given));
}

static void date(text *t)
{
	addf(t, "%ld年%ld月%ld日", 2019 + (long)pick(8), 1 + (long)pick(12), 1 + (long)pick(28));
}

static void sentence(text *t)
{
	switch (pick(6)) {
	case 0:
		date(t);
		add(t, "，");
		add(t, ANY(units));
		name(t);
		addf(t, "等%ld名职工到", 3 + (long)pick(60), 0, 0);
		add(t, ANY(places));
		add(t, "集体上访，反映");
		add(t, ANY(issues));
		add(t, "问题，要求");
		add(t, ANY(demands));
		add(t, "。");
		break;
	case 1:
		name(t);
		add(t, "（");
		add(t, ANY(units));
		add(t, ANY(roles));
		addf(t, "）反映%ld年以来", 2010 + (long)pick(15), 0, 0);
		add(t, ANY(issues));
		add(t, "，");
		add(t, ANY(details));
		add(t, "，要求");
		add(t, ANY(demands));
		add(t, "。");
		break;
	case 2:
		add(t, "经核实，");
		add(t, ANY(units));
		add(t, "存在");
		add(t, ANY(issues));
		addf(t, "情况，涉及金额%ld.%ld万元，已责成", 1 + (long)pick(300), (long)pick(10),
		     0);
		add(t, ANY(units));
		add(t, "于");
		date(t);
		add(t, "前");
		add(t, ANY(demands));
		add(t, "。");
		break;
	case 3:
		name(t);
		add(t, "系");
		add(t, ANY(units));
		add(t, "退休职工，因");
		add(t, ANY(issues));
		add(t, "多次来访，");
		add(t, ANY(details));
		add(t, "。");
		break;
	case 4:
		addf(t, "现场情况：%ld人聚集在", 3 + (long)pick(80), 0, 0);
		add(t, ANY(places));
		add(t, "，");
		add(t, ANY(situations));
		add(t, "，");
		name(t);
		add(t, "已到场做");
		add(t, ANY(works));
		add(t, "工作。");
		break;
	default:
		add(t, "包保责任人");
		name(t);
		add(t, "于");
		date(t);
		add(t, "走访");
		name(t);
		add(t, "，了解");
		add(t, ANY(issues));
		add(t, "诉求，");
		add(t, ANY(progress));
		add(t, "。");
		break;
	}
}

static const char *const kinds[] = {"incident", "note", "person", "matter"};

static void make_doc(long i, xf_search_doc *d, text *title, text *body)
{
	title->n = body->n = 0;
	title->s[0] = body->s[0] = '\0';
	d->kind = kinds[i % 4];
	d->id = i / 4 + 1;
	d->incident_id = i % 4 < 2 ? (long)(i / 4 + 1) : 0;
	d->person_id = i % 4 >= 2 ? (long)(i / 4 + 1) : 0;
	switch (i % 4) {
	case 0:
		addf(title, "XF-%ld-%04ld ", 2019 + (i / 4) % 8, (i / 4) % 10000, 0);
		add(title, ANY(places));
		break;
	case 1:
		add(title, "现场情况");
		break;
	case 2:
		name(title);
		break;
	default:
		add(title, "诉求：");
		add(title, ANY(issues));
		break;
	}
	for (size_t k = 1 + pick(3); k > 0; k--)
		sentence(body);
	d->title = title->s;
	d->body = body->s;
}

/* ---- queries ---- */

/* The k-th character (UTF-8, all three bytes here) of a word. */
static void char_of(const char *word, size_t k, char out[8])
{
	memcpy(out, word + 3 * k, 3);
	out[3] = '\0';
}

static const char *const common_chars[] = {"要", "求", "反", "映", "工", "资", "职", "访",
                                           "于", "情", "况", "已", "人", "问", "题"};

/* A query of a class that occurs in the text. */
static void make_query(const char *cls, char *q, size_t size)
{
	if (strcmp(cls, "common1") == 0) {
		snprintf(q, size, "%s", ANY(common_chars));
	} else if (strcmp(cls, "char1") == 0) {
		/* a character of any word of the lists: rare surnames to very common ones */
		const char *const *lists[] = {surnames, given,   units,  places,
		                              issues,   demands, details};
		const size_t sizes[] = {N(surnames), N(given),   N(units),  N(places),
		                        N(issues),   N(demands), N(details)};
		size_t l = pick(N(lists));
		const char *w = lists[l][pick(sizes[l])];
		char_of(w, pick(strlen(w) / 3), q);
	} else if (strcmp(cls, "char2") == 0) {
		const char *w;
		do {
			w = pick(2) ? ANY(issues) : pick(2) ? ANY(units) : ANY(demands);
		} while (strlen(w) < 6);
		size_t k = pick(strlen(w) / 3 - 1);
		snprintf(q, size, "%.6s", w + 3 * k);
	} else if (strcmp(cls, "char4") == 0) {
		const char *w;
		do {
			w = pick(2) ? ANY(issues) : ANY(demands);
		} while (strlen(w) < 12);
		size_t k = pick(strlen(w) / 3 - 3);
		snprintf(q, size, "%.12s", w + 3 * k);
	} else if (strcmp(cls, "issues2") == 0) { /* two common phrases */
		snprintf(q, size, "%s %s", ANY(issues), ANY(issues));
	} else { /* words: a name and an issue */
		snprintf(q, size, "%s%s %s", ANY(surnames), ANY(given), ANY(issues));
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t cpu_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Runs n queries of a class; prints p50, p99, max (ms), the same in CPU time of the
 * thread (what the query costs, without the waits of a busy machine) and the mean
 * hit count. */
static void measure(const char *key, const char *cls, int n, int limit)
{
	xf_db *db = xf_db_get();
	int64_t *us = malloc((size_t)n * sizeof *us), *cpu = malloc((size_t)n * sizeof *cpu);
	long hits_total = 0;
	char q[128];
	uint64_t saved = rng_state;
	rng_state = 0x9e7e5eedULL ^ (uint64_t)strlen(cls) * 7919; /* same queries every run */
	for (int i = 0; i < n; i++) {
		make_query(cls, q, sizeof q);
		json_t *hits;
		int64_t c0 = cpu_us(), t0 = xf_mono_us();
		if (xf_search_query(db, q, limit, &hits) != XF_OK) {
			fprintf(stderr, "searchbench: query '%s' failed: %s\n", q, xf_db_error(db));
			exit(1);
		}
		us[i] = xf_mono_us() - t0;
		cpu[i] = cpu_us() - c0;
		hits_total += (long)json_array_size(hits);
		json_decref(hits);
	}
	rng_state = saved;
	qsort(us, (size_t)n, sizeof *us, cmp_i64);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp_i64);
	int p99 = (n * 99 + 99) / 100 - 1;
	printf("%s_n=%d\n%s_p50_ms=%.2f\n%s_p99_ms=%.2f\n%s_max_ms=%.2f\n%s_hits=%.1f\n", key, n,
	       key, us[n / 2] / 1000.0, key, us[p99] / 1000.0, key, us[n - 1] / 1000.0, key,
	       (double)hits_total / n);
	printf("%s_cpu_p50_ms=%.2f\n%s_cpu_p99_ms=%.2f\n", key, cpu[n / 2] / 1000.0, key,
	       cpu[p99] / 1000.0);
	fflush(stdout);
	free(us);
	free(cpu);
}

static int64_t one_int(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(xf_db_sqlite(xf_db_get()), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* 1. build: RECORDS documents in transactions of BATCH; prints the time and the sizes. */
static void build(xf_db *db, long records)
{
	text *title = malloc(sizeof *title), *body = malloc(sizeof *body);
	int64_t t0 = xf_mono_us(), bytes = 0;
	for (long i = 0; i < records; i += BATCH) {
		xfb_check(xf_tx_begin(db, true), "begin", db);
		for (long k = i; k < i + BATCH && k < records; k++) {
			xf_search_doc d;
			make_doc(k, &d, title, body);
			bytes += (int64_t)(title->n + body->n);
			xfb_check(xf_search_put(db, &d), "put", db);
		}
		xfb_check(xf_tx_commit(db), "commit", db);
		if ((i / BATCH) % 10 == 9)
			fprintf(stderr, "searchbench: %ld documents, %.0f s\n", i + BATCH,
			        (xf_mono_us() - t0) / 1e6);
	}
	double build_s = (xf_mono_us() - t0) / 1e6 + 1e-9;
	xfb_exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	printf("records=%ld\ntext_bytes=%lld\nbuild_s=%.1f\nbuild_docs_per_s=%.0f\n", records,
	       (long long)bytes, build_s, records / build_s);
	int64_t page = one_int("PRAGMA page_size");
	printf("db_bytes=%lld\n", (long long)(one_int("PRAGMA page_count") * page));
	/* dbstat is compiled into Debian's SQLite; -1 when it is not */
	printf("fts_bytes=%lld\n",
	       (long long)one_int("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"));
	printf("docs_bytes=%lld\n",
	       (long long)one_int("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_docs%'"));
	printf("segments=%lld\n",
	       (long long)one_int("SELECT count(DISTINCT segid) FROM search_fts_idx"));
	fflush(stdout);
	free(title);
	free(body);
}

int main(int argc, char **argv)
{
	xfb_start("searchbench");
	if (argc != 5) {
		fprintf(stderr, "usage: searchbench DB RECORDS QUERIES EXACT_QUERIES\n");
		return 2;
	}
	const char *path = argv[1];
	long records = atol(argv[2]);
	int queries = atoi(argv[3]), exact = atoi(argv[4]);
	char error[512];
	if (xf_store_open(path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "searchbench: %s\n", error);
		return 1;
	}
	xf_db *db = xf_db_get();
	const char *window = getenv("XF_SEARCH_WINDOW");
	if (window)
		xf_search_set_rank_window(atol(window));

	build(db, records);

	/* 2. queries with the rank window */
	fprintf(stderr, "searchbench: queries ...\n");
	measure("common1", "common1", queries, 20);
	measure("char1", "char1", queries, 20);
	measure("char2", "char2", queries, 20);
	measure("char4", "char4", queries, 20);
	measure("words", "words", queries, 20);
	measure("issues2", "issues2", queries, 20);
	measure("common1_l100", "common1", queries, 100);
	measure("char1_l100", "char1", queries, 100);

	/* 3. every match ranked */
	if (exact > 0) {
		fprintf(stderr, "searchbench: %d queries ranking every match ...\n", exact);
		xf_search_set_rank_window(0);
		measure("exact_common1", "common1", exact, 20);
		measure("exact_char2", "char2", exact, 20);
	}
	printf("rank_window=%ld\n", window ? atol(window) : (long)XF_SEARCH_RANK_WINDOW);
	xf_store_close();
	return 0;
}
