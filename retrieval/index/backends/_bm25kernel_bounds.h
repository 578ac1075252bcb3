/* Block-max bounds (included by _bm25kernel.c), computed once when the kernel is made.
 *
 * A block is 64 consecutive documents of a segment (its candidates fit one uint64 mask), a cell half a
 * block. A run of at least LONG_RUN postings keeps, per cell of its segment, one byte q: 0 when the cell
 * holds none of its postings, else the cell's largest weight is at most base + q * step, where base + step
 * is the run's smallest nonzero cell maximum and base + 255 * step its largest (a common term's cell
 * maxima lie close together, so the steps are small and the bounds tight). It also keeps where each block's
 * postings start (uint16, from the run's start), so finding them costs a look-up. Shorter runs are
 * bounded by run_max in every cell they touch and searched. Bounds are computed with the kernel's own
 * arithmetic and rounded up, so they bound the weights the kernel adds; they live only in memory (at most
 * 4 bytes per posting of the long runs), never in the index cache.
 */
#define BLOCK_SHIFT 6
#define BLOCK_DOCS (1 << BLOCK_SHIFT)
#define CELL_SHIFT (BLOCK_SHIFT - 1)
#define LONG_RUN 32

/* The cell bound bytes of a run (2 per block), or NULL for a short run (bounded by its max). */
static inline const uint8_t *block_bytes(const Kernel *self, const TermRun *run) {
    return run->row < 0 ? NULL : self->block_q + (Py_ssize_t)run->row * 2 * self->blocks_per_seg;
}

/* One long run: each cell's largest weight into top[] and each block's first posting into off[]. */
static void scan_run(const Kernel *self, int64_t r, int64_t t, double *top, uint16_t *off) {
    const Py_ssize_t bps = self->blocks_per_seg, cps = 2 * bps;
    const int64_t start = self->run_start[r], end = self->run_start[r + 1];
    const Py_ssize_t base = (Py_ssize_t)self->run_seg[r] * self->segment_docs;
    for (Py_ssize_t c = 0; c < cps; c++) top[c] = 0.0;
    Py_ssize_t cell = -1, blk = -1;
    double most = 0.0;
    for (int64_t p = start; p < end; p++) {
        const unsigned d = self->low[p];
        if ((Py_ssize_t)(d >> CELL_SHIFT) != cell) {
            if (cell >= 0) top[cell] = most;
            cell = d >> CELL_SHIFT, most = 0.0;
            while (blk < (Py_ssize_t)(d >> BLOCK_SHIFT)) off[++blk] = (uint16_t)(p - start);
        }
        /* Okapi: weight = idf * factor, and multiplying by idf > 0 keeps the order */
        const double f = self->okapi ? okapi_factor(self, p, doc_class(self, base + d)) : weight(self, t, p, base + d);
        most = f > most ? f : most;
    }
    top[cell] = most;
    while (++blk < bps) off[blk] = (uint16_t)(end - start);
    if (self->okapi)
        for (Py_ssize_t c = 0; c < cps; c++) top[c] = self->idf[t] * top[c];
}

/* q bytes for one run's cell maxima, rounded up: base + q * step >= top[c]; scale = (base, step). */
static void quantize(Py_ssize_t cps, const double *top, uint8_t *q, double *scale) {
    double largest = 0.0, smallest = INFINITY;
    for (Py_ssize_t c = 0; c < cps; c++) {
        if (top[c] > 0.0 && top[c] < smallest) smallest = top[c];
        largest = top[c] > largest ? top[c] : largest;
    }
    const double step = largest > smallest ? (largest - smallest) / 254.0 : largest,
                 base = largest > smallest ? smallest - step : 0.0, per_step = step > 0.0 ? 1.0 / step : 0.0;
    for (Py_ssize_t c = 0; c < cps; c++) {
        if (!(top[c] > 0.0)) { q[c] = 0; continue; }
        double steps = (top[c] - base) * per_step; /* a first guess; the loops below make it exact */
        unsigned v = steps >= 254.0 ? 255u : (unsigned)steps + 1u;
        while (v > 1u && base + step * (v - 1u) >= top[c]) v--;
        while (v < 255u && base + step * v < top[c]) v++;
        q[c] = (uint8_t)v;
    }
    scale[0] = base, scale[1] = step;
}

static int build_block_bounds(Kernel *self) {
    if (self->segment_docs % BLOCK_DOCS) return bad("segment size must be a multiple of 64");
    const Py_ssize_t bps = self->blocks_per_seg = self->segment_docs / BLOCK_DOCS, cps = 2 * bps;
    Py_ssize_t n_long = 0;
    for (Py_ssize_t r = 0; r < self->n_runs; r++)
        n_long += self->run_start[r + 1] - self->run_start[r] >= LONG_RUN;
    if (n_long >= INT32_MAX) return bad("too many runs");
    const size_t runs = (size_t)(self->n_runs ? self->n_runs : 1), longs = (size_t)(n_long ? n_long : 1);
    int32_t *run_block = PyMem_Malloc(runs * sizeof(int32_t)); /* per run: its row, -1 if short */
    self->truns = table_alloc(runs * sizeof(TermRun));
    self->block_q = table_alloc(longs * (size_t)cps);
    self->block_off = table_alloc(longs * (size_t)bps * sizeof(uint16_t));
    self->block_scale = PyMem_Malloc(longs * 2 * sizeof(double));
    double *top = PyMem_Malloc((size_t)cps * sizeof(double));
    int32_t *run_term = PyMem_Malloc(runs * sizeof(int32_t));
    if (!run_block || !self->truns || !self->block_q || !self->block_off || !self->block_scale || !top ||
        !run_term) {
        PyMem_Free(top), PyMem_Free(run_term), PyMem_Free(run_block);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t t = 0; t < self->n_terms; t++)
        for (int64_t tp = self->term_run_ptr[t]; tp < self->term_run_ptr[t + 1]; tp++)
            run_term[self->term_runs[tp]] = (int32_t)t;
    int32_t next = 0; /* rows in term order, so a query streams through its terms' rows */
    for (Py_ssize_t tp = 0; tp < self->n_runs; tp++) {
        const int64_t r = self->term_runs[tp];
        run_block[r] = self->run_start[r + 1] - self->run_start[r] < LONG_RUN ? -1 : next++;
        self->truns[tp] = (TermRun){self->run_start[r], self->run_start[r + 1], self->run_max[r], self->run_seg[r],
                                   run_block[r]};
    }
    for (Py_ssize_t r = 0; r < self->n_runs; r++) { /* storage order: one segment's documents at a time */
        const Py_ssize_t row = run_block[r];
        if (row < 0) continue;
        scan_run(self, r, run_term[r], top, self->block_off + row * bps);
        quantize(cps, top, self->block_q + row * cps, self->block_scale + 2 * row);
    }
    PyMem_Free(top), PyMem_Free(run_term), PyMem_Free(run_block);
    return 0;
}

/* The block bounds and the per-query buffers, last step of Kernel_init. */
static int init_blocks(Kernel *self) {
    if (build_block_bounds(self) < 0) return -1;
    Py_ssize_t segments = self->n_segments ? self->n_segments : 1;
    self->ub = table_alloc((size_t)(segments * 2 * self->blocks_per_seg) * sizeof(double));
    self->seg_mark = PyMem_Calloc((size_t)segments, sizeof(uint32_t));
    if (!self->ub || !self->seg_mark) { PyErr_NoMemory(); return -1; }
    return 0;
}
