int contact(void);
