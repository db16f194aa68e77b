-- Slips with an extension request awaiting the office's decision (the
-- workbench's 延期申请 queue, GET /slips?pending_extension=true): a few
-- hundred among a million, which each page found by reading every slip
-- (306 ms a page at a million; the workbench walked five). The partial
-- index holds only those, newest first by key.
CREATE INDEX slips_pending_extension_idx ON slips (id) WHERE pending_extension IS NOT NULL;
