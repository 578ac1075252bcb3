/* Scoring one 64-document block (included by _bm25kernel.c, after _bm25kernel_heap.h): the per-query
 * scratch, finding a slot's postings in a block, the segment plan, and the two ways a block is scored.
 * See _bm25kernel_topk.h for how blocks are chosen. */
#define DENSE_BLOCK 16 /* candidates in a block from which it is scored term at a time */
#ifndef REQUIRED_MASK
#define REQUIRED_MASK 4 /* candidates from which required slots are applied as masks */
#endif

static inline int cell_alive(double ub, double theta) { return ub > 0.0 && ub * (1 + SLACK) > theta; }

/* Per-query scratch, one entry per slot, and the current segment's plan. */
typedef struct {
    int64_t *run;      /* where the slot's run in the current segment is in truns, -1 if none */
    int64_t *start, *end;    /* that run's postings */
    const uint8_t **q;       /* its cell bound bytes (NULL: a short run, bounded by base everywhere) */
    const uint16_t **off;    /* where its blocks start (long runs) */
    double *base, *step;     /* weight included: a cell's bound is base + step * q (as add_cells adds it) */
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

/* Slot i's bound in cell c of its run (a long run's; a short run's is base wherever it has postings). */
static inline double cell_bound(const Scratch *x, Py_ssize_t i, Py_ssize_t c) {
    return x->q[i][c] ? x->base[i] + x->step[i] * x->q[i][c] : 0.0;
}

/* Whether slot i (with a run in the segment) may have postings in block j: a long run's bytes say, a short
 * run's postings would have to be searched. */
static inline int may_hold(const Scratch *x, Py_ssize_t i, Py_ssize_t j) {
    const uint8_t *q = x->q[i];
    return !q || q[2 * j] || q[2 * j + 1];
}

/* The global number of block j of segment seg (what loc_at and mask_at hold). */
static inline int64_t block_id(const Kernel *self, int32_t seg, Py_ssize_t j) {
    return (int64_t)seg * self->blocks_per_seg + j;
}

/* lo/hi of slot i's postings in block j of segment seg (the global block `at`). */
static void locate(const Kernel *self, Scratch *x, Py_ssize_t i, Py_ssize_t j, int64_t at) {
    if (x->loc_at[i] == at) return;
    x->loc_at[i] = at, x->probes[i] = 0;
    const int64_t start = x->start[i], end = x->end[i];
    if (x->q[i]) { /* a long run: its block offsets say where */
        x->lo[i] = start + x->off[i][j];
        x->hi[i] = j + 1 < self->blocks_per_seg ? start + x->off[i][j + 1] : end;
    } else {
        const unsigned first = (unsigned)(j << BLOCK_SHIFT);
        x->lo[i] = seek(self->low, x->from[i], end, first);
        x->hi[i] = x->from[i] = seek(self->low, x->lo[i], end, first + BLOCK_DOCS);
    }
    __builtin_prefetch(&self->tf[x->lo[i]]); /* weights read it soon; low is being read now */
}

/* Slot i's mask in block j of segment seg (0 when it has no posting there). */
static uint64_t block_mask(const Kernel *self, Scratch *x, Py_ssize_t i, int32_t seg, Py_ssize_t j) {
    const int64_t at = block_id(self, seg, j);
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
    const int64_t at = block_id(self, seg, j);
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
    const int64_t at = block_id(self, seg, j);
    double acc[BLOCK_DOCS];
    for (uint64_t c = cand; c; c &= c - 1) acc[__builtin_ctzll(c)] = 0.0;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (x->run[i] < 0 || !may_hold(x, i, j)) continue;
        locate(self, x, i, j, at);
        const Slot *s = &slots[i];
        for (int64_t p = x->lo[i]; p < x->hi[i]; p++) {
            const unsigned bit = self->low[p] & (BLOCK_DOCS - 1);
            if (!((cand >> bit) & 1)) continue;
            acc[bit] += slot_weight(self, s, p, seg_base + self->low[p]);
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
        if (!x->q[i] || !may_hold(x, i, j)) continue; /* a short run's block start is not known yet */
        const int64_t first = x->start[i] + x->off[i][j];
        __builtin_prefetch(&self->low[first]);
        __builtin_prefetch(&self->tf[first]);
    }
    uint64_t cand = 0;
    for (Py_ssize_t e = 0; e < x->ness; e++) {
        const Py_ssize_t i = x->order[e];
        if (may_hold(x, i, j)) cand |= block_mask(self, x, i, seg, j);
    }
    cand &= live;
    /* a required slot's mask costs a pass over its postings here: worth it for many candidates only (for a
       few, the candidates' own probes find the slot missing at once, its bound being among the largest) */
    if (__builtin_popcountll(cand) >= REQUIRED_MASK)
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
            const uint8_t *q = x->q[i];
            if (q && !q[2 * j + cell]) { x->contrib[i] = 0.0; continue; } /* nothing here, nothing in ub */
            const int64_t pos = find_doc(self, x, i, seg, j, d);
            double cap;
            if (q) cap = cell_bound(x, i, 2 * j + cell);
            else /* a short run added its bound to the cells it has postings in */
                cap = pos >= 0 || (block_mask(self, x, i, seg, j) & in_cell) ? x->base[i] : 0.0;
            if (pos < 0) { x->contrib[i] = 0.0; bound -= cap; continue; }
            const double c = x->contrib[i] = slot_weight(self, s, pos, block_base + bit);
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
