/* A posting's weight and a run's contributions (included by _bm25kernel.c, after _bm25kernel_classes.h):
 * rank_bm25's expressions operation for operation, so every score is the one numpy computes. */

/* rank_bm25's per-term expression, operation for operation (sparse_weights.posting_weights). */
static inline double weight(const Kernel *self, int64_t term, int64_t pos, Py_ssize_t doc) {
    const Py_ssize_t c = doc_class(self, doc);
    if (self->okapi) return self->idf[term] * okapi_factor(self, pos, c);
    double tf = tf_at(self, pos), norm = self->class_norm[c], idf = self->idf[term];
    double ctd = tf / norm;
    return idf * tf * self->k1p1 * (ctd + self->delta) / (self->k1 + ctd + self->delta);
}

typedef struct {
    int64_t term, tp0, tp, te; /* the term, its runs term_runs[tp0:te], and the next one to visit */
    double w;
    int weighted;
} Slot;

/* Slot s's contribution from posting pos of document doc: the weight, times the slot's query weight when
 * it has one (as sparse.scores multiplies). */
static inline double slot_weight(const Kernel *self, const Slot *s, int64_t pos, Py_ssize_t doc) {
    const double c = weight(self, s->term, pos, doc);
    return s->weighted ? s->w * c : c;
}

/* add_run's usual case, Okapi with length classes (TF_TABLE factors a class): slot_weight() with its
 * loads hoisted out of the loop; `weighted` is a constant where it is called, so each case compiles
 * to its own loop. */
static inline void add_okapi_run(const Kernel *self, const Slot *s, int64_t from, int64_t to,
                                 double *restrict acc, Py_ssize_t base, const int weighted) {
    const uint16_t *restrict low = self->low, *restrict cls = self->doc_class + base;
    const uint8_t *restrict tf = self->tf;
    const double *restrict unit = self->class_unit; /* unit[c * TF_TABLE + tf - 1], tf = 1..TF_TABLE */
    const double idf = self->idf[s->term], w = s->w;
    for (int64_t p = from; p < to; p++) {
        const unsigned d = low[p], small = tf[p];
        const double f = small - 1u < TF_TABLE ? unit[(size_t)cls[d] * TF_TABLE + small - 1] : okapi_factor(self, p, cls[d]);
        const double c = idf * f; /* weight(), then slot_weight() */
        acc[d] += weighted ? w * c : c;
    }
}

/* acc[low[p]] += slot s's contribution for the postings p in [from, to) of one run, whose documents are
 * base + low[p]: rank_bm25's running sum for those documents, one term further. */
static void add_run(const Kernel *self, const Slot *s, int64_t from, int64_t to, double *restrict acc,
                    Py_ssize_t base) {
    if (self->okapi && self->doc_class) {
        if (s->weighted) add_okapi_run(self, s, from, to, acc, base, 1);
        else add_okapi_run(self, s, from, to, acc, base, 0);
        return;
    }
    for (int64_t p = from; p < to; p++) acc[self->low[p]] += slot_weight(self, s, p, base + self->low[p]);
}
