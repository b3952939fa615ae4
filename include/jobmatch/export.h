/* Symbol visibility for libjobmatch: only JM_EXTERN names are exported. */
#ifndef JOBMATCH_EXPORT_H
#define JOBMATCH_EXPORT_H

#if defined(__GNUC__) && defined(JM_BUILDING)
#define JM_EXTERN __attribute__((visibility("default")))
#else
#define JM_EXTERN
#endif

#ifdef __cplusplus
#define JM_BEGIN_DECLS extern "C" {
#define JM_END_DECLS }
#else
#define JM_BEGIN_DECLS
#define JM_END_DECLS
#endif

#endif
