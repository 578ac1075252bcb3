/* Length classes (included by _bm25kernel.c): a document's norm depends only on its length, so documents
 * share a few hundred distinct norms. Each document keeps a uint16 class, and the per-class tables hold
 * the norm and Okapi's factor tf * (k1 + 1) / (tf + norm) for tf = 1..TF_TABLE (nearly every posting):
 * 2 bytes a document instead of 24, so the weights of a query's candidates read a table that stays in
 * cache. The tables hold the very doubles of the `norm`
 * buffer (classes are found by exact bit pattern), so weights are unchanged. With more than 65,535
 * distinct norms (MAX_CLASSES, or the kernel's max_classes) the class of a document is the document
 * itself, with factors for tf = 1, 2 only. */
#define TF_TABLE 8
#define CLASS_HASH_BITS 17

static inline Py_ssize_t doc_class(const Kernel *self, Py_ssize_t doc) {
    return self->doc_class ? (Py_ssize_t)self->doc_class[doc] : doc;
}

/* Class ids by exact bit pattern of the norm; 0 when there are too many (doc_class stays NULL). */
static int find_classes(Kernel *self, Py_ssize_t *n_classes) {
    const size_t slots = (size_t)1 << CLASS_HASH_BITS;
    int32_t *table = PyMem_Malloc(slots * sizeof(int32_t));
    uint64_t *keys = PyMem_Malloc(slots * sizeof(uint64_t));
    self->doc_class = table_alloc((size_t)(self->n_docs ? self->n_docs : 1) * sizeof(uint16_t));
    if (!table || !keys || !self->doc_class) {
        PyMem_Free(table), PyMem_Free(keys);
        PyErr_NoMemory();
        return -1;
    }
    memset(table, 0xff, slots * sizeof(int32_t));
    Py_ssize_t n = 0;
    for (Py_ssize_t d = 0; d < self->n_docs && n <= self->max_classes; d++) {
        uint64_t bits;
        memcpy(&bits, &self->norm[d], sizeof bits);
        size_t h = (size_t)((bits * 0x9E3779B97F4A7C15ull) >> (64 - CLASS_HASH_BITS));
        while (table[h] >= 0 && keys[h] != bits) h = (h + 1) & (slots - 1);
        if (table[h] < 0) {
            if (n == self->max_classes) { n++; break; }
            table[h] = (int32_t)n++, keys[h] = bits;
        }
        self->doc_class[d] = (uint16_t)table[h];
    }
    PyMem_Free(table), PyMem_Free(keys);
    if (n > self->max_classes) { table_free(self->doc_class); self->doc_class = NULL; n = self->n_docs; }
    *n_classes = n;
    return 0;
}

/* The per-class tables: class_norm[c] and class_unit[c * tf_table + tf - 1] (Okapi's factor). */
static int init_classes(Kernel *self) {
    Py_ssize_t n;
    if (find_classes(self, &n) < 0) return -1;
    const Py_ssize_t width = self->tf_table = self->doc_class ? TF_TABLE : 2;
    self->class_norm = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(double));
    self->class_unit = PyMem_Malloc((size_t)(n ? n * width : 1) * sizeof(double));
    if (!self->class_norm || !self->class_unit) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t d = 0; d < self->n_docs; d++) self->class_norm[doc_class(self, d)] = self->norm[d];
    for (Py_ssize_t c = 0; c < n; c++)
        for (Py_ssize_t f = 1; f <= width; f++) /* weight()'s expression, operation for operation */
            self->class_unit[c * width + f - 1] = (double)f * self->k1p1 / ((double)f + self->class_norm[c]);
    return 0;
}

/* Okapi's factor tf * (k1 + 1) / (tf + norm) of posting pos in a document of class c. */
static inline double okapi_factor(const Kernel *self, int64_t pos, Py_ssize_t c) {
    const unsigned small = self->tf[pos];
    if (small - 1u < (unsigned)self->tf_table) return self->class_unit[c * self->tf_table + small - 1];
    const double tf = tf_at(self, pos);
    return tf * self->k1p1 / (tf + self->class_norm[c]);
}
