/* Kernel.top_k: exact block-max top-k (included by _bm25kernel.c, after _bm25kernel_blocks.h).
 *
 * 1. Bounds: every query slot adds its per-block bounds to ub[block] (blocks of segments it has runs in).
 * 2. Seeds: the SEED_BLOCKS blocks with the largest ub are scored first, so the k-th score (theta) is near
 *    its final value before the scan.
 * 3. Scan: segments ascending, each slot's cursor moving forward through its runs; a block is scored only
 *    while ub * (1 + SLACK) > theta. Within a block, MaxScore on 64-bit masks: candidates are the documents
 *    of the slots whose bounds can lift a document above theta, restricted to those of every slot without
 *    which the others cannot; only candidates get weights, summed in query order from 0.0.
 * Every document a block holds is either scored exactly or provably below the k-th score (SLACK is far
 * above the rounding of bound sums), and the heap orders equal scores by document number, so the result
 * is the exhaustive one whatever order blocks are scored in.
 */
#define SEED_CELLS 16
#define PREFETCH 8 /* runs ahead */
#define DENSE_BLOCK 16 /* candidates in a block from which it is scored term at a time */

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
        PyObject *doc = PyLong_FromLongLong((long long)h->doc[i]), *score = PyFloat_FromDouble(h->score[i]);
        PyObject *pair = doc && score ? PyTuple_Pack(2, doc, score) : NULL;
        Py_XDECREF(doc), Py_XDECREF(score);
        if (!pair) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, pair);
    }
    return out;
}


/* Bound of slot s (weight included) in cell c of run r. */
static inline double cell_bound(const Kernel *self, const Slot *s, int64_t r, Py_ssize_t c) {
    const uint8_t *q = block_bytes(self, r);
    if (!q) return s->w * self->run_max[r];
    const double *scale = self->block_scale + 2 * (Py_ssize_t)self->run_block[r];
    return q[c] ? s->w * scale[0] + s->w * scale[1] * q[c] : 0.0; /* the same expression as add_cells */
}

static inline int cell_alive(double ub, double theta) { return ub > 0.0 && ub * (1 + SLACK) > theta; }

/* Per-query scratch, one entry per slot, and the current segment's plan. */
typedef struct {
    int64_t *run;      /* the slot's run in the current segment, -1 if none */
    int64_t *from;     /* short runs: where the next search starts (cursors only move forward) */
    int64_t *lo, *hi;  /* the slot's postings in block loc_at[i] */
    int64_t *loc_at;   /* the global block lo/hi describe, -1 if none yet */
    int64_t *mask_at;  /* the global block mask[i] describes, -1 if none yet */
    int *probes;       /* documents looked up in block loc_at[i] so far */
    uint64_t *mask;    /* which of that block's documents the slot holds */
    double *seg_bound; /* the slot's bound in the current segment */
    double *contrib;   /* the slot's weight for the candidate being scored (0.0: absent) */
    Py_ssize_t *order; /* the segment's slots with a run, largest bound first */
    Py_ssize_t *req;   /* slots every document above theta must hold */
    Py_ssize_t na, ness, nreq; /* order[0:ness] are essential: the rest together cannot reach theta */
    double planned;    /* the theta the plan was made for */
} Scratch;

/* lo/hi of slot i's postings in block j of segment seg (the global block `at`). */
static void locate(const Kernel *self, Scratch *x, Py_ssize_t i, Py_ssize_t j, int64_t at) {
    if (x->loc_at[i] == at) return;
    x->loc_at[i] = at, x->probes[i] = 0;
    const int64_t r = x->run[i], start = self->run_start[r], end = self->run_start[r + 1];
    const int32_t row = self->run_block[r];
    if (row >= 0) { /* a long run: its block offsets say where */
        const uint16_t *off = self->block_off + (Py_ssize_t)row * self->blocks_per_seg;
        x->lo[i] = start + off[j];
        x->hi[i] = j + 1 < self->blocks_per_seg ? start + off[j + 1] : end;
    } else {
        const unsigned first = (unsigned)(j << BLOCK_SHIFT);
        x->lo[i] = seek(self->low, x->from[i], end, first);
        x->hi[i] = x->from[i] = seek(self->low, x->lo[i], end, first + BLOCK_DOCS);
    }
    __builtin_prefetch(&self->tf[x->lo[i]]); /* weights read it soon; low is being read now */
}

/* Slot i's mask in block j of segment seg (0 when it has no posting there). */
static uint64_t block_mask(const Kernel *self, Scratch *x, Py_ssize_t i, int32_t seg, Py_ssize_t j) {
    const int64_t at = (int64_t)seg * self->blocks_per_seg + j;
    if (x->mask_at[i] == at) return x->mask[i];
    locate(self, x, i, j, at);
    uint64_t mk = 0;
    for (int64_t p = x->lo[i]; p < x->hi[i]; p++) mk |= 1ull << (self->low[p] & (BLOCK_DOCS - 1));
    x->mask_at[i] = at;
    return x->mask[i] = mk;
}

/* Where slot i holds segment document d of block j, or -1: a look-up in its mask once it has one; the
 * first probes of a block binary-search its postings instead (cheaper than a mask for one document). */
static int64_t find_doc(const Kernel *self, Scratch *x, Py_ssize_t i, int32_t seg, Py_ssize_t j, unsigned d) {
    const int64_t at = (int64_t)seg * self->blocks_per_seg + j;
    if (x->mask_at[i] != at) {
        locate(self, x, i, j, at);
        if (x->probes[i]++ < 2) {
            int64_t lo = x->lo[i], hi = x->hi[i];
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (self->low[mid] < d) lo = mid + 1; else hi = mid;
            }
            return lo < x->hi[i] && self->low[lo] == d ? lo : -1;
        }
        block_mask(self, x, i, seg, j);
    }
    const unsigned bit = d & (BLOCK_DOCS - 1);
    const uint64_t mk = x->mask[i];
    return (mk >> bit) & 1 ? x->lo[i] + __builtin_popcountll(mk & ((1ull << bit) - 1)) : -1;
}

/* Essential and required slots of the segment for theta (slots sorted by bound in enter_segment). */
static void plan(Scratch *x, double theta) {
    double total = 0.0, rest = 0.0;
    for (Py_ssize_t e = 0; e < x->na; e++) total += x->seg_bound[x->order[e]];
    x->ness = x->na;
    while (x->ness > 0 && (rest + x->seg_bound[x->order[x->ness - 1]]) * (1 + SLACK) <= theta)
        rest += x->seg_bound[x->order[--x->ness]];
    x->nreq = 0;
    for (Py_ssize_t e = 0; e < x->na; e++)
        if ((total - x->seg_bound[x->order[e]]) * (1 + SLACK) <= theta) x->req[x->nreq++] = x->order[e];
    x->planned = theta;
}

/* Block j with many candidates: every slot's postings there added term at a time (query order) into
 * the candidates' accumulators, cheaper than bounding each candidate. */
static void dense_block(const Kernel *self, const Slot *slots, Py_ssize_t m, Scratch *x, int32_t seg,
                        Py_ssize_t j, uint64_t cand, Heap *h) {
    const Py_ssize_t seg_base = (Py_ssize_t)seg * self->segment_docs, block_base = seg_base + (j << BLOCK_SHIFT);
    const int64_t at = (int64_t)seg * self->blocks_per_seg + j;
    double acc[BLOCK_DOCS];
    for (uint64_t c = cand; c; c &= c - 1) acc[__builtin_ctzll(c)] = 0.0;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (x->run[i] < 0) continue;
        const uint8_t *q = block_bytes(self, x->run[i]);
        if (q && !q[2 * j] && !q[2 * j + 1]) continue;
        locate(self, x, i, j, at);
        const Slot *s = &slots[i];
        for (int64_t p = x->lo[i]; p < x->hi[i]; p++) {
            const unsigned bit = self->low[p] & (BLOCK_DOCS - 1);
            if (!((cand >> bit) & 1)) continue;
            double c = weight(self, s->term, p, seg_base + self->low[p]);
            acc[bit] += s->weighted ? s->w * c : c;
        }
    }
    double theta = heap_threshold(h);
    for (; cand; cand &= cand - 1) {
        const unsigned bit = (unsigned)__builtin_ctzll(cand);
        if (acc[bit] >= theta) {
            heap_offer(h, acc[bit], block_base + bit);
            theta = heap_threshold(h);
        }
    }
}

/* Score block j of segment seg; ub2 = its two cells' bounds. Candidates are the documents of the
 * essential slots in live cells that every required slot holds. A candidate's bound starts at its cell's
 * and drops by each slot it misses and by each weight found below its slot's cell bound (largest bounds
 * first); only a survivor's weights are summed, in query order from 0.0. A posting's position is its
 * document's rank in the slot's mask. */
static void score_block(const Kernel *self, const Slot *slots, Py_ssize_t m, Scratch *x, int32_t seg,
                        Py_ssize_t j, const double *ub2, Heap *h) {
    double theta = heap_threshold(h);
    const uint64_t live = (cell_alive(ub2[0], theta) ? 0xffffffffull : 0) |
                          (cell_alive(ub2[1], theta) ? 0xffffffff00000000ull : 0);
    if (!live) return;
    if (theta > x->planned) plan(x, theta);
    const Py_ssize_t block_base = (Py_ssize_t)seg * self->segment_docs + (j << BLOCK_SHIFT);
    if (self->doc_class) __builtin_prefetch(&self->doc_class[block_base]);
    for (Py_ssize_t e = 0; e < x->na; e++) { /* the block's postings of every slot that has some: in flight */
        const Py_ssize_t i = x->order[e];
        const int32_t row = self->run_block[x->run[i]];
        if (row < 0) continue;
        const uint8_t *q = self->block_q + (Py_ssize_t)row * 2 * self->blocks_per_seg;
        if (!q[2 * j] && !q[2 * j + 1]) continue;
        const int64_t first = self->run_start[x->run[i]] + self->block_off[(Py_ssize_t)row * self->blocks_per_seg + j];
        __builtin_prefetch(&self->low[first]);
        __builtin_prefetch(&self->tf[first]);
    }
    uint64_t cand = 0;
    for (Py_ssize_t e = 0; e < x->ness; e++) {
        const Py_ssize_t i = x->order[e];
        const uint8_t *q = block_bytes(self, x->run[i]);
        if (!q || q[2 * j] || q[2 * j + 1]) cand |= block_mask(self, x, i, seg, j);
    }
    cand &= live;
    for (Py_ssize_t e = 0; e < x->nreq && cand; e++) cand &= block_mask(self, x, x->req[e], seg, j);
    if (__builtin_popcountll(cand) >= DENSE_BLOCK) {
        dense_block(self, slots, m, x, seg, j, cand, h);
        return;
    }
    for (; cand; cand &= cand - 1) {
        const unsigned bit = (unsigned)__builtin_ctzll(cand), cell = bit >> CELL_SHIFT;
        const unsigned d = (unsigned)(j << BLOCK_SHIFT) + bit;
        const uint64_t in_cell = cell ? 0xffffffff00000000ull : 0xffffffffull;
        double bound = ub2[cell];
        for (Py_ssize_t e = 0; e < x->na && bound * (1 + SLACK) > theta; e++) { /* largest bounds first */
            const Py_ssize_t i = x->order[e];
            const Slot *s = &slots[i];
            const uint8_t *q = block_bytes(self, x->run[i]);
            if (q && !q[2 * j + cell]) { x->contrib[i] = 0.0; continue; } /* nothing here, nothing in ub */
            const int64_t pos = find_doc(self, x, i, seg, j, d);
            double cap;
            if (q) cap = cell_bound(self, s, x->run[i], 2 * j + cell);
            else /* a short run added its bound to the cells it has postings in */
                cap = pos >= 0 || (block_mask(self, x, i, seg, j) & in_cell) ? s->w * self->run_max[x->run[i]] : 0.0;
            if (pos < 0) { x->contrib[i] = 0.0; bound -= cap; continue; }
            double c = weight(self, s->term, pos, block_base + bit);
            x->contrib[i] = c = s->weighted ? s->w * c : c;
            bound -= cap - c;
        }
        if (bound * (1 + SLACK) <= theta) continue;
        double score = 0.0;
        for (Py_ssize_t i = 0; i < m; i++) score += x->contrib[i]; /* query order; absent slots add 0.0 */
        if (score >= theta) {
            heap_offer(h, score, block_base + bit);
            theta = heap_threshold(h);
        }
    }
}

/* Slot s's run in segment seg (searching its runs from the start), or -1. */
static int64_t run_in_segment(const Kernel *self, const Slot *s, int32_t seg) {
    int64_t lo = s->tp0, hi = s->te;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (self->run_seg[self->term_runs[mid]] < seg) lo = mid + 1; else hi = mid;
    }
    return lo < s->te && self->run_seg[self->term_runs[lo]] == seg ? self->term_runs[lo] : -1;
}

/* ub[c] += the bound of cell c for one long run's q bytes (restrict: q never aliases ub, so it vectorizes). */
static void add_cells(double *restrict ub, const uint8_t *restrict q, Py_ssize_t n, double base, double step) {
    for (Py_ssize_t c = 0; c < n; c++) {
        const double k = q[c];
        ub[c] += (k > 0.0 ? base : 0.0) + step * k;
    }
}

/* Step 1: ub[cell] for every cell of the segments the query touches (seg_mark[seg] == epoch). */
static void add_bounds(Kernel *self, const Slot *slots, Py_ssize_t m) {
    const Py_ssize_t cps = 2 * self->blocks_per_seg;
    const uint32_t epoch = self->epoch;
    for (Py_ssize_t i = 0; i < m; i++) {
        const Slot *s = &slots[i];
        for (int64_t tp = s->tp0; tp < s->te; tp++) {
            if (tp + PREFETCH < s->te) { /* the runs' own entries are scattered: ask for them early */
                const int64_t ahead = self->term_runs[tp + PREFETCH];
                __builtin_prefetch(&self->run_seg[ahead]);
                __builtin_prefetch(&self->run_block[ahead]);
            }
            const int64_t r = self->term_runs[tp];
            const int32_t seg = self->run_seg[r];
            double *ub = self->ub + (Py_ssize_t)seg * cps;
            if (self->seg_mark[seg] != epoch) {
                self->seg_mark[seg] = epoch;
                for (Py_ssize_t c = 0; c < cps; c++) ub[c] = 0.0;
            }
            const uint8_t *q = block_bytes(self, r);
            if (q) {
                const double *scale = self->block_scale + 2 * (Py_ssize_t)self->run_block[r];
                add_cells(ub, q, cps, s->w * scale[0], s->w * scale[1]);
                continue;
            }
            const double bound = s->w * self->run_max[r];
            unsigned last = NO_DOC;
            for (int64_t p = self->run_start[r]; p < self->run_start[r + 1]; p++) {
                unsigned cell = self->low[p] >> (BLOCK_SHIFT - 1);
                if (cell != last) ub[cell] += bound, last = cell;
            }
        }
    }
}

/* Step 2: the SEED_CELLS cells of largest ub (global cell numbers), largest first; returns how many. */
static Py_ssize_t pick_seeds(const Kernel *self, Py_ssize_t *seed) {
    const Py_ssize_t cps = 2 * self->blocks_per_seg;
    double best[SEED_CELLS];
    Py_ssize_t n = 0, worst = 0;
    for (Py_ssize_t seg = 0; seg < self->n_segments; seg++) {
        if (self->seg_mark[seg] != self->epoch) continue;
        for (Py_ssize_t c = 0; c < cps; c++) {
            double u = self->ub[seg * cps + c];
            if (u <= 0.0 || (n == SEED_CELLS && u <= best[worst])) continue;
            Py_ssize_t at = n < SEED_CELLS ? n++ : worst;
            best[at] = u, seed[at] = seg * cps + c;
            if (n == SEED_CELLS)
                for (Py_ssize_t i = 0; i < n; i++) if (best[i] < best[worst]) worst = i;
        }
    }
    for (Py_ssize_t i = 1; i < n; i++) /* largest first */
        for (Py_ssize_t k = i; k > 0 && best[k - 1] < best[k]; k--) {
            double b = best[k]; best[k] = best[k - 1]; best[k - 1] = b;
            Py_ssize_t t = seed[k]; seed[k] = seed[k - 1]; seed[k - 1] = t;
        }
    return n;
}

/* Each slot's run in segment seg, found by moving its cursor forward (scan) or by search (seeds); the
 * slots with a run sorted by their bound there, largest first, and planned for theta. */
static void enter_segment(const Kernel *self, Slot *slots, Py_ssize_t m, Scratch *x, int32_t seg, int forward,
                          double theta) {
    x->na = 0;
    for (Py_ssize_t t = 0; t < m; t++) {
        Slot *s = &slots[t];
        if (forward) {
            while (s->tp < s->te && self->run_seg[self->term_runs[s->tp]] < seg) s->tp++;
            x->run[t] = s->tp < s->te && self->run_seg[self->term_runs[s->tp]] == seg ? self->term_runs[s->tp] : -1;
            if (s->tp + 1 < s->te) { /* the slot's next run, wanted at a later segment */
                const int64_t next = self->term_runs[s->tp + 1];
                __builtin_prefetch(&self->run_seg[next]);
                __builtin_prefetch(&self->run_start[next]);
                __builtin_prefetch(&self->run_block[next]);
                __builtin_prefetch(&self->run_max[next]);
            }
        } else {
            x->run[t] = run_in_segment(self, s, seg);
        }
        x->contrib[t] = 0.0, x->mask_at[t] = x->loc_at[t] = -1;
        if (x->run[t] < 0) continue;
        const int64_t r = x->run[t];
        x->from[t] = self->run_start[r];
        const int32_t row = self->run_block[r];
        const double *scale = row >= 0 ? self->block_scale + 2 * (Py_ssize_t)row : NULL;
        const double bound = x->seg_bound[t] =
            scale ? s->w * scale[0] + s->w * scale[1] * 255.0 : s->w * self->run_max[r];
        Py_ssize_t at = x->na++;
        while (at > 0 && x->seg_bound[x->order[at - 1]] < bound) { x->order[at] = x->order[at - 1]; at--; }
        x->order[at] = t;
    }
    plan(x, theta);
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
    /* one allocation for the heap and the scratch: every entry is 8 bytes (probes use the first 4) */
    const size_t n = (size_t)m, kk = (size_t)k;
    int64_t *words = PyMem_Malloc((2 * kk + 13 * n) * sizeof(int64_t));
    if (!words) {
        PyMem_Free(slots);
        return PyErr_NoMemory();
    }
    Heap h = {(double *)words, words + kk, 0, k};
    int64_t *w = words + 2 * kk;
    Scratch x = {w, w + n, w + 2 * n, w + 3 * n, w + 4 * n, w + 5 * n, (int *)(w + 6 * n), (uint64_t *)(w + 7 * n),
                 (double *)(w + 8 * n), (double *)(w + 9 * n), (Py_ssize_t *)(w + 10 * n),
                 (Py_ssize_t *)(w + 11 * n), 0, 0, 0, 0.0};
    PyObject *result = NULL;
    if (++self->epoch == 0) { /* wrapped: forget every old mark */
        memset(self->seg_mark, 0, (size_t)self->n_segments * sizeof(uint32_t));
        self->epoch = 1;
    }
    add_bounds(self, slots, m);
    const Py_ssize_t cps = 2 * self->blocks_per_seg;
    Py_ssize_t seed[SEED_CELLS], n_seed = pick_seeds(self, seed);
    for (Py_ssize_t i = 0; i < n_seed; i++) {
        double *cells = self->ub + (seed[i] & ~(Py_ssize_t)1); /* the seed's block: its two cells */
        if (cells[seed[i] & 1] < 0.0) continue;                /* scored with the other cell */
        const int32_t seg = (int32_t)(seed[i] / cps);
        enter_segment(self, slots, m, &x, seg, 0, heap_threshold(&h));
        score_block(self, slots, m, &x, seg, (seed[i] % cps) >> 1, cells, &h);
        cells[0] = cells[1] = -1.0; /* scored: the scan skips the block */
    }
    for (int32_t seg = 0; seg < self->n_segments; seg++) {
        if (self->seg_mark[seg] != self->epoch) continue;
        const double *ub = self->ub + (Py_ssize_t)seg * cps;
        Py_ssize_t c = 0;
        const double theta = heap_threshold(&h);
        while (c < cps && !cell_alive(ub[c], theta)) c++;
        if (c == cps) continue;
        enter_segment(self, slots, m, &x, seg, 1, theta);
        for (Py_ssize_t j = c >> 1; j < self->blocks_per_seg && x.ness; j++)
            score_block(self, slots, m, &x, seg, j, ub + 2 * j, &h);
    }
    result = heap_result(&h);
    PyMem_Free(words);
    PyMem_Free(slots);
    return result;
}
