/*
 * automated.h - is this mail written by a machine?  RFC 3834 and the
 * signals mail systems add in practice.  An automated mail never gets an
 * automatic reply.
 */
#ifndef OWI_AUTOMATED_H
#define OWI_AUTOMATED_H

#include <gmime/gmime.h>
#include <json-c/json.h>

/* {"is": bool, "why": "reason; reason" or null} */
json_object *owi_automated(GMimeMessage *msg);

#endif
