/* Fuzzes the streaming reader in CSV mode, fed whole and in random chunk sizes: no crash, and
 * the same records and rejects whatever the chunking. The first byte picks chunks and limit. */
#include "reader_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader_run(JM_FORMAT_CSV, data, size);
}
