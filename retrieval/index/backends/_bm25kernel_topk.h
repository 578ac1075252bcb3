/* Kernel.top_k: exact block-max top-k (included by _bm25kernel.c, after _bm25kernel_bounds.h).
 *
 * 1. Bounds: every query slot adds its per-cell bounds to ub[cell] (cells of the segments it has runs in).
 * 2. Seeds: the blocks of the SEED_CELLS cells with the largest ub are scored first, so the k-th score
 *    (theta) is near its final value before the scan.
 * 3. Scan: segments ascending, each slot's cursor moving forward through its runs; a block is scored only
 *    while one of its cells has ub * (1 + SLACK) > theta. Per segment the slots are planned once (and again
 *    when theta rises): the essential ones, whose bounds can lift a document above theta, name the
 *    candidates (64-bit masks), and a required one (without which the others cannot) must hold them.
 *    Each candidate's bound starts at its cell's ub and drops by every slot it misses and every weight
 *    found below its slot's cell bound; a block with DENSE_BLOCK candidates or more is summed term at a
 *    time instead. Only survivors are scored: weights summed in query order from 0.0.
 * Every document a block holds is either scored exactly or provably below the k-th score (SLACK is far
 * above the rounding of bound sums), and the heap orders equal scores by document number, so the result
 * is the exhaustive one whatever order blocks are scored in.
 */
#define SEED_CELLS 16
#define PREFETCH 8 /* runs ahead */

/* Where slot s's run in segment seg is in truns (searching its runs from the start), or -1. */
static int64_t run_in_segment(const Kernel *self, const Slot *s, int32_t seg) {
    int64_t lo = s->tp0, hi = s->te;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (self->truns[mid].seg < seg) lo = mid + 1; else hi = mid;
    }
    return lo < s->te && self->truns[lo].seg == seg ? lo : -1;
}

/* Slot s's bounds in a run, weight included: a long run's cell bound is base + step * q, a short run's
 * bound base everywhere. The one place they are computed, so the sums in ub and the bounds subtracted
 * from them per candidate are the same doubles. */
static inline void weighted_scale(const Kernel *self, const Slot *s, const TermRun *run, double *base,
                                  double *step) {
    if (run->row < 0) { *base = s->w * run->max, *step = 0.0; return; }
    const double *scale = self->block_scale + 2 * (Py_ssize_t)run->row;
    *base = s->w * scale[0], *step = s->w * scale[1];
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
            if (tp + PREFETCH < s->te) { /* what a run ahead reads beside its (sequential) entry and row */
                const TermRun *ahead = &self->truns[tp + PREFETCH];
                if (ahead->row >= 0) __builtin_prefetch(self->block_scale + 2 * (Py_ssize_t)ahead->row);
                else __builtin_prefetch(&self->low[ahead->start]);
            }
            const TermRun *run = &self->truns[tp];
            const int32_t seg = run->seg;
            double *ub = self->ub + (Py_ssize_t)seg * cps;
            if (self->seg_mark[seg] != epoch) {
                self->seg_mark[seg] = epoch;
                for (Py_ssize_t c = 0; c < cps; c++) ub[c] = 0.0;
            }
            double base, step;
            weighted_scale(self, s, run, &base, &step);
            const uint8_t *q = block_bytes(self, run);
            if (q) {
                add_cells(ub, q, cps, base, step);
                continue;
            }
            const double bound = base;
            unsigned last = NO_DOC;
            for (int64_t p = run->start; p < run->end; p++) {
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
            while (s->tp < s->te && self->truns[s->tp].seg < seg) s->tp++;
            x->run[t] = s->tp < s->te && self->truns[s->tp].seg == seg ? s->tp : -1;
        } else {
            x->run[t] = run_in_segment(self, s, seg);
        }
        x->contrib[t] = 0.0, x->mask_at[t] = x->loc_at[t] = -1;
        if (x->run[t] < 0) continue;
        const TermRun *run = &self->truns[x->run[t]];
        x->from[t] = x->start[t] = run->start, x->end[t] = run->end;
        x->q[t] = block_bytes(self, run);
        x->off[t] = run->row >= 0 ? self->block_off + (Py_ssize_t)run->row * self->blocks_per_seg : NULL;
        weighted_scale(self, s, run, &x->base[t], &x->step[t]);
        const double bound = x->seg_bound[t] = x->q[t] ? x->base[t] + x->step[t] * 255.0 : x->base[t];
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
    if (self->n_docs <= self->exhaustive_docs) {
        PyObject *found = exhaustive_top_k(self, slots, m, k);
        PyMem_Free(slots);
        return found;
    }
    /* one allocation for the heap and the scratch: 18 arrays of 8-byte entries (probes use 4 of the 8) */
    const size_t n = (size_t)m, kk = (size_t)k;
    int64_t *words = PyMem_Malloc((2 * kk + 18 * n) * sizeof(int64_t));
    if (!words) {
        PyMem_Free(slots);
        return PyErr_NoMemory();
    }
    Heap h = {(double *)words, words + kk, 0, k, self->doc_at};
    int64_t *w = words + 2 * kk;
    Scratch x = {w, w + n, w + 2 * n, (const uint8_t **)(w + 3 * n), (const uint16_t **)(w + 4 * n),
                 (double *)(w + 5 * n), (double *)(w + 6 * n), w + 7 * n, w + 8 * n, w + 9 * n, w + 10 * n,
                 w + 11 * n, (int *)(w + 12 * n), (uint64_t *)(w + 13 * n), (double *)(w + 14 * n),
                 (double *)(w + 15 * n), (Py_ssize_t *)(w + 16 * n), (Py_ssize_t *)(w + 17 * n), 0, 0, 0, 0.0};
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
