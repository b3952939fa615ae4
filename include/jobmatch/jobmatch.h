/* libjobmatch: job-matching records, codecs, scoring and the streaming join. */
#ifndef JOBMATCH_JOBMATCH_H
#define JOBMATCH_JOBMATCH_H

#include "buf.h"
#include "error.h"
#include "export.h"
#include "gen.h"
#include "matcher.h"
#include "plugin.h"
#include "reader.h"
#include "record.h"
#include "report.h"
#include "score.h"
#include "sink.h"
#include "source.h"
#include "taxonomy.h"
#include "version.h"
#include "writer.h"

#endif
