/* Kernel.top_k: MaxScore over the segments (included by _bm25kernel.c). Per segment, document-at-a-time
 * when the non-essential slots hold many more postings than the essential ones (they are then only probed),
 * else term-at-a-time into the reused segment accumulator (cheaper per posting when most are visited). */
#ifndef TAAT_RATIO
#define TAAT_RATIO 4
#endif

/* The k best so far: a binary heap whose root is the worst (lowest score; among equal scores, the
 * highest document number, since the project orders ties by document number ascending). */
typedef struct {
    double *score;
    int64_t *doc;
    Py_ssize_t n, cap;
} Heap;

static int worse(const Heap *h, Py_ssize_t a, Py_ssize_t b) {
    return h->score[a] < h->score[b] || (h->score[a] == h->score[b] && h->doc[a] > h->doc[b]);
}

static void heap_swap(Heap *h, Py_ssize_t a, Py_ssize_t b) {
    double s = h->score[a];
    int64_t d = h->doc[a];
    h->score[a] = h->score[b], h->doc[a] = h->doc[b];
    h->score[b] = s, h->doc[b] = d;
}

static void sift_down(Heap *h, Py_ssize_t i) {
    for (;;) {
        Py_ssize_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < h->n && worse(h, l, w)) w = l;
        if (r < h->n && worse(h, r, w)) w = r;
        if (w == i) return;
        heap_swap(h, i, w);
        i = w;
    }
}

static void heap_offer(Heap *h, double score, int64_t doc) {
    if (h->n < h->cap) {
        Py_ssize_t i = h->n++;
        h->score[i] = score, h->doc[i] = doc;
        while (i > 0 && worse(h, i, (i - 1) / 2)) {
            heap_swap(h, i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
    } else if (score > h->score[0] || (score == h->score[0] && doc < h->doc[0])) {
        h->score[0] = score, h->doc[0] = doc;
        sift_down(h, 0);
    }
}

static double heap_threshold(const Heap *h) { return h->n < h->cap ? -INFINITY : h->score[0]; }

/* First position in low[pos:end) holding a document >= target (galloping, then binary search). */
static int64_t seek(const uint16_t *low, int64_t pos, int64_t end, unsigned target) {
    if (pos >= end || low[pos] >= target) return pos;
    int64_t lo = pos, hi, step = 1; /* invariant: low[lo] < target; hi == end or low[hi] >= target */
    for (;;) {
        hi = lo + step;
        if (hi >= end) { hi = end; break; }
        if (low[hi] >= target) break;
        lo = hi;
        step <<= 1;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (low[mid] >= target) hi = mid; else lo = mid;
    }
    return hi;
}

static unsigned current(const Kernel *self, const Slot *s) { return s->pos < s->end ? self->low[s->pos] : NO_DOC; }

/* One segment term-at-a-time, for segments where most postings would be visited anyway: the essential
 * slots' documents (or a required slot's) get a fresh accumulator entry, then every active slot adds its
 * contributions to those documents in query order, so each entry is the exact bincount sum; entries
 * are offered to the heap from the touched list, never by scanning the segment. */
static void taat_segment(Kernel *self, const Slot *slots, Py_ssize_t m, const Py_ssize_t *act, Py_ssize_t na,
                         Py_ssize_t ne, const double *cum, char *role, Py_ssize_t base, Heap *h) {
    if (++self->epoch == 0) { /* wrapped: forget every old stamp */
        memset(self->stamp, 0, (size_t)self->segment_docs * sizeof(uint32_t));
        self->epoch = 1;
    }
    const uint32_t epoch = self->epoch;
    uint32_t *stamp = self->stamp;
    double *acc = self->acc;
    Py_ssize_t n_touched = 0;
    /* Candidates: the essential slots' documents, or, when some slot is required (without it the other
     * bounds cannot reach theta), only the shortest required slot's documents. */
    const double theta0 = heap_threshold(h), total = cum[na - 1];
    Py_ssize_t required = -1;
    for (Py_ssize_t j = ne; j < na; j++) {
        const Slot *s = &slots[act[j]];
        if ((total - s->ub) * (1 + SLACK) <= theta0 &&
            (required < 0 || s->end - s->pos < slots[act[required]].end - slots[act[required]].pos))
            required = j;
    }
    memset(role, 0, (size_t)m); /* 0: no run in this segment, 1: adds to candidates only, 2: marks them */
    for (Py_ssize_t j = 0; j < na; j++) role[act[j]] = (required < 0 ? j >= ne : j == required) ? 2 : 1;
    for (Py_ssize_t j = 0; j < na; j++) {
        if (role[act[j]] != 2) continue;
        const Slot *s = &slots[act[j]];
        for (int64_t p = s->pos; p < s->end; p++) {
            unsigned d = self->low[p];
            if (stamp[d] != epoch) stamp[d] = epoch, acc[d] = 0.0, self->touched[n_touched++] = (uint16_t)d;
        }
    }
    for (Py_ssize_t i = 0; i < m; i++) { /* query order */
        const Slot *s = &slots[i];
        if (!role[i]) continue;
        const double w = s->w;
        const int weighted = s->weighted, must_hold = role[i] == 1;
        for (int64_t p = s->pos; p < s->end; p++) {
            unsigned d = self->low[p];
            if (must_hold && stamp[d] != epoch) continue;
            double c = weight(self, s->term, p, base + d);
            acc[d] += weighted ? w * c : c;
        }
    }
    double theta = heap_threshold(h);
    for (Py_ssize_t i = 0; i < n_touched; i++) {
        unsigned d = self->touched[i];
        if (acc[d] >= theta) {
            heap_offer(h, acc[d], base + d);
            theta = heap_threshold(h);
        }
    }
}

/* Slot `i`'s contribution to segment document `d` (global `doc`) when its cursor is on it: recorded in
   contrib/present, cursor advanced, value returned; 0.0 (the bound's sum is unchanged) when it is not. */
static inline double take(const Kernel *self, Slot *slots, Py_ssize_t i, unsigned d, Py_ssize_t doc,
                          double *contrib, char *present) {
    Slot *s = &slots[i];
    if (s->pos >= s->end || self->low[s->pos] != d) return 0.0;
    double c = weight(self, s->term, s->pos, doc);
    if (s->weighted) c = s->w * c;
    contrib[i] = c, present[i] = 1;
    s->pos++;
    return c;
}

/* One segment: `act` holds the slots with a run here, sorted by bound ascending; cum[j] = sum of bounds 0..j. */
static void daat_segment(const Kernel *self, Slot *slots, Py_ssize_t m, const Py_ssize_t *act, Py_ssize_t na,
                         Py_ssize_t ne, const double *cum, double *contrib, char *present, Py_ssize_t base,
                         Heap *h) {
    double theta = heap_threshold(h);
    for (;;) {
        if (ne == na) return;
        unsigned d = NO_DOC;
        for (Py_ssize_t j = ne; j < na; j++) {
            unsigned c = current(self, &slots[act[j]]);
            if (c < d) d = c;
        }
        if (d == NO_DOC) return;
        Py_ssize_t doc = base + d;
        memset(present, 0, (size_t)m);
        double partial = 0.0;
        for (Py_ssize_t j = ne; j < na; j++) partial += take(self, slots, act[j], d, doc, contrib, present);
        int dropped = 0;
        for (Py_ssize_t j = ne - 1; j >= 0; j--) {
            if ((partial + cum[j]) * (1 + SLACK) <= theta) { dropped = 1; break; }
            Slot *s = &slots[act[j]];
            s->pos = seek(self->low, s->pos, s->end, d);
            partial += take(self, slots, act[j], d, doc, contrib, present);
        }
        if (dropped) continue;
        double score = 0.0; /* the exact sum: contributions in query order, as bincount adds them */
        for (Py_ssize_t i = 0; i < m; i++)
            if (present[i]) score += contrib[i];
        if (score > theta) {
            heap_offer(h, score, doc);
            theta = heap_threshold(h);
            while (ne < na && cum[ne] * (1 + SLACK) <= theta) ne++;
        }
    }
}

static PyObject *heap_result(Heap *h) {
    /* sort best first: repeatedly move the worst to the end */
    Py_ssize_t n = h->n;
    while (h->n > 1) {
        heap_swap(h, 0, h->n - 1);
        h->n--;
        sift_down(h, 0);
    }
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = Py_BuildValue("(Ld)", (long long)h->doc[i], h->score[i]);
        if (!pair) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, pair);
    }
    return out;
}

static PyObject *Kernel_top_k(Kernel *self, PyObject *args) {
    PyObject *terms, *weights;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "OOn", &terms, &weights, &k)) return NULL;
    Py_ssize_t m;
    Slot *slots = read_slots(self, terms, weights, &m);
    if (!slots) return NULL;
    if (k > self->n_docs) k = self->n_docs;
    if (k <= 0 || m == 0) { PyMem_Free(slots); return PyList_New(0); }
    Heap h = {PyMem_Malloc((size_t)k * sizeof(double)), PyMem_Malloc((size_t)k * sizeof(int64_t)), 0, k};
    Py_ssize_t *act = PyMem_Malloc((size_t)m * sizeof(Py_ssize_t));
    double *cum = PyMem_Malloc((size_t)m * sizeof(double)), *contrib = PyMem_Malloc((size_t)m * sizeof(double));
    char *present = PyMem_Malloc((size_t)m);
    PyObject *result = NULL;
    if (!h.score || !h.doc || !act || !cum || !contrib || !present) { PyErr_NoMemory(); goto done; }
    for (;;) {
        int32_t seg = INT32_MAX; /* the next segment any slot has a run in */
        for (Py_ssize_t i = 0; i < m; i++)
            if (slots[i].tp < slots[i].te && self->run_seg[self->term_runs[slots[i].tp]] < seg)
                seg = self->run_seg[self->term_runs[slots[i].tp]];
        if (seg == INT32_MAX) break;
        Py_ssize_t na = 0;
        for (Py_ssize_t i = 0; i < m; i++) {
            Slot *s = &slots[i];
            if (s->tp < s->te && self->run_seg[self->term_runs[s->tp]] == seg) {
                int64_t run = self->term_runs[s->tp++];
                s->pos = self->run_start[run], s->end = self->run_start[run + 1];
                s->ub = s->weighted ? s->w * self->run_max[run] : self->run_max[run];
                Py_ssize_t j = na++; /* insertion sort by bound: queries have a handful of slots */
                while (j > 0 && slots[act[j - 1]].ub > s->ub) { act[j] = act[j - 1]; j--; }
                act[j] = i;
            }
        }
        double sum = 0.0;
        for (Py_ssize_t j = 0; j < na; j++) cum[j] = sum += slots[act[j]].ub;
        double theta = heap_threshold(&h);
        Py_ssize_t ne = 0; /* act[0:ne] are non-essential: together they cannot beat theta */
        while (ne < na && cum[ne] * (1 + SLACK) <= theta) ne++;
        if (ne == na) continue; /* nothing in this segment can enter the top k */
        int64_t probed = 0, scanned = 0;
        for (Py_ssize_t j = 0; j < na; j++) {
            int64_t len = slots[act[j]].end - slots[act[j]].pos;
            if (j < ne) probed += len; else scanned += len;
        }
        Py_ssize_t base = (Py_ssize_t)seg * self->segment_docs;
        if (probed <= TAAT_RATIO * scanned)
            taat_segment(self, slots, m, act, na, ne, cum, present, base, &h);
        else
            daat_segment(self, slots, m, act, na, ne, cum, contrib, present, base, &h);
    }
    result = heap_result(&h);
done:
    PyMem_Free(h.score), PyMem_Free(h.doc), PyMem_Free(act), PyMem_Free(cum), PyMem_Free(contrib);
    PyMem_Free(present);
    PyMem_Free(slots);
    return result;
}
