/*
 * The provider's log on stderr (HIDPHONE_LOG sets the level).
 */
#ifndef HIDPHONE_TSP_LOG_H
#define HIDPHONE_TSP_LOG_H



enum tsp_log_level { TSP_LOG_ERROR, TSP_LOG_WARNING, TSP_LOG_INFO, TSP_LOG_DEBUG };
void tsp_log(enum tsp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
