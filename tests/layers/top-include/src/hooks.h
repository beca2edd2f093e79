void hooks_install(void);
